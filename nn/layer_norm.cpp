// layer_norm.cpp: the LayerNorm module (the layer_norm op it calls is in core/ops/layer_norm.cpp).
#include "nn/layer_norm.hpp"

#include "core/error.hpp"

namespace sf::nn {

LayerNorm::LayerNorm(LayerNormConfig config) : config_(config) {
  if (config.normalized_shape <= 0)
    fail<ValueError>("LayerNorm: normalized_shape must be positive, got ", config.normalized_shape);
  if (!(config.eps >= 0)) fail<ValueError>("LayerNorm: eps must be non-negative, got ", config.eps);
  if (config.elementwise_affine) {
    weight = ones({config.normalized_shape}, {.dtype = config.dtype});
    bias = zeros({config.normalized_shape}, {.dtype = config.dtype});
    register_parameter("weight", weight);
    register_parameter("bias", bias);
  }
}

}  // namespace sf::nn
