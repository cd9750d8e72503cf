// positional_encoding.hpp: the sinusoidal positional encoding of the paper (§3.5).
//
// Attention by itself ignores word order: shuffle the tokens and each one's output is shuffled
// the same way. So each position p gets a fixed vector PE(p), added to the token's embedding:
//
//   PE(p, 2i)   = sin(p / 10000^(2i / d_model))
//   PE(p, 2i+1) = cos(p / 10000^(2i / d_model))
//
// Each pair of features is a point turning on a circle at its own speed, from one turn per 2π
// positions (i = 0) to one per 2π·10000. The formula is the paper's; none of the lectures gives it.
// As in the paper (§3.4) the embeddings are first multiplied by √d_model, then dropout is applied
// to the sum.
#pragma once

#include "core/random.hpp"
#include "core/tensor.hpp"
#include "nn/dropout.hpp"
#include "nn/module.hpp"

namespace sf::nn {

/// The table PE[p, j] for p < max_len, j < d_model (d_model even), shape [max_len, d_model].
Tensor sinusoidal_encoding(std::int64_t max_len, std::int64_t d_model, DType dtype = kFloat32);

struct PositionalEncodingConfig {
  std::int64_t d_model = 512;
  std::int64_t max_len = 5000;  // longest sequence it accepts
  double dropout = 0.1;
  bool scale_input = true;  // multiply the embeddings by √d_model first (paper §3.4)
  DType dtype = kFloat32;
};

/// PositionalEncoding pe({.d_model = 512}); x = pe(embeddings);  // [B, L, 512], L ≤ max_len
class PositionalEncoding : public Module {
 public:
  explicit PositionalEncoding(PositionalEncodingConfig config, Generator& gen = default_generator());
  /// dropout(x·√d_model + PE[start : start + L]) for x [B, L, d_model] (or [L, d_model]). `start` is
  /// the position of x's first token (> 0 when decoding one token at a time).
  Tensor forward(const Tensor& x, std::int64_t start = 0) const;
  Tensor operator()(const Tensor& x, std::int64_t start = 0) const { return forward(x, start); }
  const PositionalEncodingConfig& config() const { return config_; }

  Tensor table;  // [max_len, d_model]: a buffer, not a parameter, and not saved (it is a formula)
  Dropout dropout;

 private:
  PositionalEncodingConfig config_;
};

}  // namespace sf::nn
