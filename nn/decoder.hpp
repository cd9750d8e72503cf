// decoder.hpp: the Transformer's decoder (paper §3.1): N layers, each with three sub-layers.
//
//   x = AddNorm(x, self_attn(x, x, x, causal mask))      each target position looks at itself and the past
//   x = AddNorm(x, multihead_attn(x, memory, memory))    queries from the decoder, keys and values from
//                                                        the final encoder output ("memory")
//   x = AddNorm(x, feed_forward(x))
//
// In training every target position is computed at once (teacher forcing), and the causal mask
// stops position t from seeing positions after t. In generation the decoder runs one token at a
// time; step() then reuses each layer's cached keys and values (nn/kv_cache.hpp) instead of
// recomputing the prefix.
// Parameter names match torch.nn.TransformerDecoderLayer: self_attn.*, multihead_attn.*, linear1.*,
// linear2.*, norm1.*, norm2.*, norm3.*.
#pragma once

#include "nn/encoder.hpp"
#include "nn/kv_cache.hpp"

namespace sf::nn {

class DecoderLayer : public Module {
 public:
  explicit DecoderLayer(LayerConfig config, Generator& gen = default_generator());
  /// x [B, T, d_model], memory [B, S, d_model]; self_mask broadcastable to [B, h, T, T] (causal, and
  /// target padding), memory_mask to [B, h, T, S] (source padding). If `cross_weights` is given it
  /// receives the cross-attention weights [B, h, T, S]: which source words each target word looked at.
  Tensor forward(const Tensor& x, const Tensor& memory, const Tensor& self_mask = {},
                 const Tensor& memory_mask = {}, Tensor* cross_weights = nullptr) const;
  Tensor operator()(const Tensor& x, const Tensor& memory, const Tensor& self_mask = {},
                    const Tensor& memory_mask = {}) const {
    return forward(x, memory, self_mask, memory_mask);
  }
  /// The next positions x [B, n, d_model] only, reusing and extending `cache` (under NoGradGuard).
  Tensor step(const Tensor& x, const Tensor& memory, LayerCache& cache, const Tensor& memory_mask,
              std::int64_t capacity) const;

  MultiHeadAttention self_attn;       // masked self-attention
  MultiHeadAttention multihead_attn;  // cross-attention over the encoder output
  FeedForward feed_forward;           // registered without a prefix: linear1, dropout, linear2
  LayerNorm norm1, norm2, norm3;
  Dropout dropout1, dropout2, dropout3;

 private:
  LayerConfig config_;
};

struct DecoderConfig {
  LayerConfig layer = {};
  std::int64_t layers = 6;
  bool final_norm = false;
};

class Decoder : public Module {
 public:
  explicit Decoder(DecoderConfig config, Generator& gen = default_generator());
  /// `cross_weights`, if given, receives every layer's cross-attention weights [B, h, T, S].
  Tensor forward(const Tensor& x, const Tensor& memory, const Tensor& self_mask = {},
                 const Tensor& memory_mask = {}, std::vector<Tensor>* cross_weights = nullptr) const;
  Tensor operator()(const Tensor& x, const Tensor& memory, const Tensor& self_mask = {},
                    const Tensor& memory_mask = {}) const {
    return forward(x, memory, self_mask, memory_mask);
  }
  /// One generation step for every layer; `caches` holds one LayerCache per layer (created on the
  /// first call).
  Tensor step(const Tensor& x, const Tensor& memory, std::vector<LayerCache>& caches,
              const Tensor& memory_mask, std::int64_t capacity) const;

  ModuleList<DecoderLayer> layers;
  std::unique_ptr<LayerNorm> norm;  // null without final_norm

 private:
  DecoderConfig config_;
};

}  // namespace sf::nn
