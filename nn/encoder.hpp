// encoder.hpp: the Transformer's encoder (paper §3.1): N identical layers, each self-attention then
// a feed-forward network, each wrapped in a residual connection, dropout and LayerNorm.
//
//   x = AddNorm(x, self_attn(x, x, x, mask))     every token looks at every (unmasked) token
//   x = AddNorm(x, feed_forward(x))              then each token is transformed on its own
//
// The layers have the same structure but separate weights (nothing is shared between layers), and
// only the first layer sees the embeddings: layer n+1 reads layer n's output. Parameter names match
// torch.nn.TransformerEncoderLayer: self_attn.*, linear1.*, linear2.*, norm1.*, norm2.*.
#pragma once

#include "core/random.hpp"
#include "nn/activation.hpp"
#include "nn/dropout.hpp"
#include "nn/feed_forward.hpp"
#include "nn/layer_norm.hpp"
#include "nn/module.hpp"
#include "nn/module_list.hpp"
#include "nn/multi_head_attention.hpp"

namespace sf::nn {

// [doc:layer-config]
/// The sizes shared by encoder and decoder layers.
struct LayerConfig {
  std::int64_t d_model = 512;
  std::int64_t heads = 8;
  std::int64_t d_ff = 2048;
  double dropout = 0.1;
  Activation activation = Activation::ReLU;
  bool norm_first = false;  // false: post-LN as in the paper; true: pre-LN
  double layer_norm_eps = 1e-5;
  DType dtype = kFloat32;
};
// [doc:end]

class EncoderLayer : public Module {
 public:
  explicit EncoderLayer(LayerConfig config, Generator& gen = default_generator());
  /// x [B, S, d_model]; mask bool, broadcastable to [B, heads, S, S] (usually the source padding).
  Tensor forward(const Tensor& x, const Tensor& mask = {}) const;
  Tensor operator()(const Tensor& x, const Tensor& mask = {}) const { return forward(x, mask); }

  MultiHeadAttention self_attn;
  FeedForward feed_forward;  // registered without a prefix: linear1, dropout, linear2
  LayerNorm norm1, norm2;
  Dropout dropout1, dropout2;

 private:
  LayerConfig config_;
};

struct EncoderConfig {
  LayerConfig layer = {};
  std::int64_t layers = 6;
  bool final_norm = false;  // a LayerNorm after the last layer (needed by pre-LN; torch adds it always)
};

/// A stack of EncoderLayers, named layers.0, layers.1, ..., and an optional final norm.
class Encoder : public Module {
 public:
  explicit Encoder(EncoderConfig config, Generator& gen = default_generator());
  Tensor forward(const Tensor& x, const Tensor& mask = {}) const;
  Tensor operator()(const Tensor& x, const Tensor& mask = {}) const { return forward(x, mask); }

  ModuleList<EncoderLayer> layers;
  std::unique_ptr<LayerNorm> norm;  // null without final_norm

 private:
  EncoderConfig config_;
};

}  // namespace sf::nn
