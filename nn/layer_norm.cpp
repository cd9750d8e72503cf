// layer_norm.cpp: layer_norm written with tensor ops (so its gradient comes from theirs), and the
// LayerNorm module.
#include "nn/layer_norm.hpp"

#include "core/error.hpp"
#include "core/ops/elementwise.hpp"
#include "core/ops/reduce.hpp"

namespace sf::nn {

// [doc:layer-norm]
Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps) {
  if (x.dim() == 0) fail<ShapeError>("layer_norm: the input needs at least one axis");
  const std::int64_t d = x.size(-1);
  for (const Tensor* p : {&weight, &bias})
    if (p->defined() && !(p->shape() == Shape{d}))
      fail<ShapeError>("layer_norm: input of shape ", x.shape(), " is normalised over its last axis of size ", d,
                       " but weight/bias have shape ", p->shape());
  const Tensor mu = mean(x, -1, /*keepdim=*/true);                      // [..., 1]
  const Tensor var_ = var(x, -1, /*keepdim=*/true, /*correction=*/0);   // population variance
  Tensor y = (x - mu) / sqrt(var_ + eps);                               // mean 0, variance ~1 per row
  if (weight.defined()) y = y * weight;                                 // γ, broadcast over rows
  if (bias.defined()) y = y + bias;                                     // β
  return y;
}
// [doc:end]

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
