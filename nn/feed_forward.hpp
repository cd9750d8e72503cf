// feed_forward.hpp: the position-wise feed-forward network of each Transformer layer (paper §3.3).
//
//   FFN(x) = linear2(dropout(activation(linear1(x))))      x [.., d_model] → [.., d_ff] → [.., d_model]
//
// "Position-wise": the same two matrices are applied to every token on its own. That is one
// matrix product over all the rows at once, not a separate network per word (lecture 001's
// picture of one FFN box per word shows the same weights twice).
#pragma once

#include "core/random.hpp"
#include "nn/activation.hpp"
#include "nn/dropout.hpp"
#include "nn/linear.hpp"
#include "nn/module.hpp"
#include "nn/residual.hpp"

namespace sf::nn {

struct FeedForwardConfig {
  std::int64_t d_model = 512;
  std::int64_t d_ff = 2048;  // the paper's inner size, 4 × d_model
  double dropout = 0.1;
  Activation activation = Activation::ReLU;
  DType dtype = kFloat32;
};

/// Parameters are named linear1.weight, linear1.bias, linear2.weight, linear2.bias, as in
/// torch.nn.TransformerEncoderLayer.
class FeedForward : public Module {
 public:
  explicit FeedForward(FeedForwardConfig config, Generator& gen = default_generator());
  /// With `add`: add->residual + add->dropout(FFN(x)), the Add done inside linear2 (nn/residual.hpp).
  Tensor forward(const Tensor& x, const ResidualAdd* add = nullptr) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  const FeedForwardConfig& config() const { return config_; }

  Linear linear1;   // d_model → d_ff
  Dropout dropout;  // on the hidden activations
  Linear linear2;   // d_ff → d_model

 private:
  FeedForwardConfig config_;
};

}  // namespace sf::nn
