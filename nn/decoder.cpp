// decoder.cpp: DecoderLayer and Decoder, in full (teacher forcing) and step by step (generation).
#include "nn/decoder.hpp"

#include "core/error.hpp"
#include "nn/residual.hpp"

namespace sf::nn {

DecoderLayer::DecoderLayer(LayerConfig c, Generator& gen)
    : self_attn({.d_model = c.d_model, .heads = c.heads, .dropout = c.dropout, .dtype = c.dtype}, gen),
      multihead_attn({.d_model = c.d_model, .heads = c.heads, .dropout = c.dropout, .dtype = c.dtype}, gen),
      feed_forward({.d_model = c.d_model,
                    .d_ff = c.d_ff,
                    .dropout = c.dropout,
                    .activation = c.activation,
                    .dtype = c.dtype},
                   gen),
      norm1({.normalized_shape = c.d_model, .eps = c.layer_norm_eps, .dtype = c.dtype}),
      norm2({.normalized_shape = c.d_model, .eps = c.layer_norm_eps, .dtype = c.dtype}),
      norm3({.normalized_shape = c.d_model, .eps = c.layer_norm_eps, .dtype = c.dtype}),
      dropout1({.p = c.dropout}, gen),
      dropout2({.p = c.dropout}, gen),
      dropout3({.p = c.dropout}, gen),
      config_(c) {
  register_module("self_attn", self_attn);
  register_module("multihead_attn", multihead_attn);
  register_module("", feed_forward);
  register_module("norm1", norm1);
  register_module("norm2", norm2);
  register_module("norm3", norm3);
  register_module("dropout1", dropout1);
  register_module("dropout2", dropout2);
  register_module("dropout3", dropout3);
}

// [doc:decoder-layer]
Tensor DecoderLayer::forward(const Tensor& x, const Tensor& memory, const Tensor& self_mask,
                             const Tensor& memory_mask, Tensor* cross_weights) const {
  // As in the encoder layer, each sub-layer's last linear layer also does the Add of "Add & Norm".
  auto look_back = [&](const Tensor& h, const ResidualAdd& add) {
    return self_attn.forward(h, h, h, self_mask, nullptr, &add);
  };
  auto look_at_source = [&](const Tensor& h, const ResidualAdd& add) {
    return multihead_attn.forward(h, memory, memory, memory_mask, cross_weights, &add);
  };
  auto each_token = [&](const Tensor& h, const ResidualAdd& add) { return feed_forward.forward(h, &add); };
  Tensor y = add_and_norm_fused(x, look_back, norm1, dropout1, config_.norm_first);
  // Q from y; K and V from memory.
  y = add_and_norm_fused(y, look_at_source, norm2, dropout2, config_.norm_first);
  return add_and_norm_fused(y, each_token, norm3, dropout3, config_.norm_first);
}
// [doc:end]

// [doc:decoder-step]
Tensor DecoderLayer::step(const Tensor& x, const Tensor& memory, LayerCache& cache, const Tensor& memory_mask,
                          std::int64_t capacity) const {
  auto look_back = [&](const Tensor& h) { return self_attn.forward_step(h, cache.self, capacity); };
  auto look_at_source = [&](const Tensor& h) {
    return multihead_attn.forward_cached_memory(h, memory, cache.cross, memory_mask);
  };
  Tensor y = add_and_norm(x, look_back, norm1, dropout1, config_.norm_first);
  y = add_and_norm(y, look_at_source, norm2, dropout2, config_.norm_first);
  return add_and_norm(y, feed_forward, norm3, dropout3, config_.norm_first);
}
// [doc:end]

Decoder::Decoder(DecoderConfig config, Generator& gen) : config_(config) {
  if (config.layers <= 0) fail<ValueError>("Decoder: needs at least one layer, got ", config.layers);
  for (std::int64_t i = 0; i < config.layers; ++i)
    layers.push_back(std::make_unique<DecoderLayer>(config.layer, gen));
  register_module("layers", layers);
  if (config.final_norm) {
    norm = std::make_unique<LayerNorm>(LayerNormConfig{.normalized_shape = config.layer.d_model,
                                                       .eps = config.layer.layer_norm_eps,
                                                       .dtype = config.layer.dtype});
    register_module("norm", *norm);
  }
}

Tensor Decoder::forward(const Tensor& x, const Tensor& memory, const Tensor& self_mask,
                        const Tensor& memory_mask, std::vector<Tensor>* cross_weights) const {
  Tensor h = x;
  if (cross_weights) cross_weights->assign(layers.size(), Tensor());
  for (std::size_t i = 0; i < layers.size(); ++i)  // every layer sees the same memory
    h = layers[i].forward(h, memory, self_mask, memory_mask, cross_weights ? &(*cross_weights)[i] : nullptr);
  return norm ? (*norm)(h) : h;
}

Tensor Decoder::step(const Tensor& x, const Tensor& memory, std::vector<LayerCache>& caches,
                     const Tensor& memory_mask, std::int64_t capacity) const {
  caches.resize(layers.size());
  Tensor h = x;
  for (std::size_t i = 0; i < layers.size(); ++i)
    h = layers[i].step(h, memory, caches[i], memory_mask, capacity);
  return norm ? (*norm)(h) : h;
}

}  // namespace sf::nn
