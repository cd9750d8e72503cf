// encoder.cpp: EncoderLayer and Encoder.
#include "nn/encoder.hpp"

#include "core/error.hpp"
#include "nn/residual.hpp"

namespace sf::nn {

EncoderLayer::EncoderLayer(LayerConfig c, Generator& gen)
    : self_attn({.d_model = c.d_model, .heads = c.heads, .dropout = c.dropout, .dtype = c.dtype}, gen),
      feed_forward({.d_model = c.d_model,
                    .d_ff = c.d_ff,
                    .dropout = c.dropout,
                    .activation = c.activation,
                    .dtype = c.dtype},
                   gen),
      norm1({.normalized_shape = c.d_model, .eps = c.layer_norm_eps, .dtype = c.dtype}),
      norm2({.normalized_shape = c.d_model, .eps = c.layer_norm_eps, .dtype = c.dtype}),
      dropout1({.p = c.dropout}, gen),
      dropout2({.p = c.dropout}, gen),
      config_(c) {
  register_module("self_attn", self_attn);
  register_module("", feed_forward);
  register_module("norm1", norm1);
  register_module("norm2", norm2);
  register_module("dropout1", dropout1);
  register_module("dropout2", dropout2);
}

// [doc:encoder-layer]
Tensor EncoderLayer::forward(const Tensor& x, const Tensor& mask) const {
  // Each sub-layer's last linear layer also does the Add of "Add & Norm": `add` carries the residual
  // and the dropout into it (add_and_norm_fused, nn/residual.hpp).
  auto attend = [&](const Tensor& h, const ResidualAdd& add) {
    return self_attn.forward(h, h, h, mask, nullptr, &add);  // every token looks at every token
  };
  auto each_token = [&](const Tensor& h, const ResidualAdd& add) {
    return feed_forward.forward(h, &add);  // then each token on its own
  };
  Tensor y = add_and_norm_fused(x, attend, norm1, dropout1, config_.norm_first);
  return add_and_norm_fused(y, each_token, norm2, dropout2, config_.norm_first);
}
// [doc:end]

// [doc:encoder-stack]
Encoder::Encoder(EncoderConfig config, Generator& gen) : config_(config) {
  if (config.layers <= 0) fail<ValueError>("Encoder: needs at least one layer, got ", config.layers);
  for (std::int64_t i = 0; i < config.layers; ++i)
    layers.push_back(std::make_unique<EncoderLayer>(config.layer, gen));
  register_module("layers", layers);
  if (config.final_norm) {
    norm = std::make_unique<LayerNorm>(LayerNormConfig{.normalized_shape = config.layer.d_model,
                                                       .eps = config.layer.layer_norm_eps,
                                                       .dtype = config.layer.dtype});
    register_module("norm", *norm);
  }
}

Tensor Encoder::forward(const Tensor& x, const Tensor& mask) const {
  Tensor h = x;
  for (const auto& layer : layers) h = (*layer)(h, mask);  // layer n+1 reads layer n's output
  return norm ? (*norm)(h) : h;
}
// [doc:end]

}  // namespace sf::nn
