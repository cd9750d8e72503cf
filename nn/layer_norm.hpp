// layer_norm.hpp: the LayerNorm module, layer normalisation over the last axis (Ba, Kiros and
// Hinton 2016), as the paper's "Add & Norm" uses it.
//
//   y = (x - mean) / √(var + ε) · γ + β        mean and var over the last axis, var the population
//                                              variance (divide by d, not d - 1), ε inside the root
//
// Every token's feature vector is normalised on its own: no statistics are shared across tokens
// or sentences (unlike BatchNorm), so it behaves the same in training and evaluation.
#pragma once

#include "core/ops/layer_norm.hpp"
#include "core/tensor.hpp"
#include "nn/module.hpp"

namespace sf::nn {

// The functions are ops, with their backward, in core/ops/layer_norm.cpp; nn:: names them too.
using sf::layer_norm;
using sf::layer_norm_fused;

struct LayerNormConfig {
  std::int64_t normalized_shape = 0;  // size of the last axis (d_model)
  double eps = 1e-5;                  // PyTorch's default
  bool elementwise_affine = true;     // learn γ (weight) and β (bias)
  DType dtype = kFloat32;
};

/// LayerNorm norm({.normalized_shape = 512}); y = norm(x);
class LayerNorm : public Module {
 public:
  explicit LayerNorm(LayerNormConfig config);
  Tensor forward(const Tensor& x) const { return recorded(layer_norm_fused(x, weight, bias, config_.eps)); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  const LayerNormConfig& config() const { return config_; }

  Tensor weight;  // γ, [d], starts at 1
  Tensor bias;    // β, [d], starts at 0

 private:
  LayerNormConfig config_;
};

}  // namespace sf::nn
