// layer_norm.hpp: layer normalisation over the last axis (Ba, Kiros and Hinton 2016), as the paper's
// "Add & Norm" uses it.
//
//   y = (x - mean) / √(var + ε) · γ + β        mean and var over the last axis, var the population
//                                              variance (divide by d, not d - 1), ε inside the root
//
// Every token's feature vector is normalised on its own: no statistics are shared across tokens
// or sentences (unlike BatchNorm), so it behaves the same in training and evaluation.
#pragma once

#include "core/tensor.hpp"
#include "nn/module.hpp"

namespace sf::nn {

/// Normalises x over its last axis, then scales by weight (γ) and shifts by bias (β) if given.
/// Written with tensor ops, to read: its gradient comes from theirs.
Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps = 1e-5);

/// The same function as one fused op (core/kernels/layer_norm.hpp): one pass per row forward, one
/// backward, saving only each row's mean and 1/std. Equal to layer_norm up to rounding (tested);
/// the LayerNorm module uses it.
Tensor layer_norm_fused(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps = 1e-5);

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
  Tensor forward(const Tensor& x) const { return layer_norm_fused(x, weight, bias, config_.eps); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  const LayerNormConfig& config() const { return config_; }

  Tensor weight;  // γ, [d], starts at 1
  Tensor bias;    // β, [d], starts at 0

 private:
  LayerNormConfig config_;
};

}  // namespace sf::nn
