// decoder_only.hpp: a decoder-only language model (the shape of GPT), built from the Transformer's
// own blocks.
//
//   tokens [B, T] → embedding·√d_model + PE → N blocks (causal self-attention, feed-forward)
//                 → output projection → logits [B, T, V]
//
// A block is our EncoderLayer given a causal mask: self-attention then a feed-forward network, each
// in a residual connection and LayerNorm. It is the translator's decoder layer without its
// cross-attention (there is no source to look at), so the "encoder" in its name only says that it
// has no cross-attention. Trained to predict token t + 1 from tokens 0..t, the model is a causal
// language model; sample_next() and generate() then write text one token at a time.
// Parameter names: embedding.weight, blocks.layers.N.*, output_projection.{weight,bias}. The output
// projection shares its weight with the embedding (tie_output), as the Transformer does (paper §3.4).
#pragma once

#include <vector>

#include "nn/embedding.hpp"
#include "nn/encoder.hpp"
#include "nn/linear.hpp"
#include "nn/positional_encoding.hpp"

namespace sf::nn {

struct DecoderOnlyConfig {
  std::int64_t vocab = 0;
  LayerConfig layer = {};  // d_model, heads, d_ff, dropout, activation, norm_first
  std::int64_t layers = 2;
  std::int64_t max_len = 128;  // longest sequence the positional encoding accepts
  std::int64_t pad_id = 0;     // the padding token, masked out of attention
  bool tie_output = true;      // the output projection reuses the embedding table
};

class DecoderOnly : public Module {
  DecoderOnlyConfig config_;  // first: every member below is built from the checked config

 public:
  explicit DecoderOnly(DecoderOnlyConfig config, Generator& gen = default_generator());

  /// tokens [B, T] (int64) → logits [B, T, vocab]: row t is the distribution of token t + 1.
  Tensor forward(const Tensor& tokens) const;
  Tensor operator()(const Tensor& tokens) const { return forward(tokens); }

  const DecoderOnlyConfig& config() const { return config_; }

  Embedding embedding;
  PositionalEncoding positional;  // no parameters: the table is a formula
  Encoder blocks;                 // self-attention + feed-forward layers, run with a causal mask
  Linear output_projection;       // weight tied to embedding.weight when tie_output
};

/// How the next token is drawn from a row of logits.
struct SamplingConfig {
  double temperature = 1.0;  // logits are divided by it: below 1 sharper, above 1 flatter
  std::int64_t top_k = 0;    // keep only the k most probable tokens; 0 keeps all
};

/// Draws one token id from `logits` (one row, size V) with our seeded generator: softmax(logits /
/// temperature) over the top_k largest logits, the others get probability 0.
int sample_next(const std::vector<double>& logits, const SamplingConfig& config, Generator& gen);

/// Continues `prompt` (token ids, at least one) by sampling until `stop_id` is drawn or the sequence
/// holds max_len tokens. Returns the whole sequence, prompt included. Each step runs the model on
/// the whole prefix (no key/value cache: simple, and cheap for sentences this short).
std::vector<int> generate(const DecoderOnly& model, std::vector<int> prompt, int stop_id,
                          std::int64_t max_len, const SamplingConfig& config, Generator& gen);

}  // namespace sf::nn
