// layer_norm.hpp: layer normalisation over the last axis (Ba, Kiros and Hinton 2016), as the paper's
// "Add & Norm" uses it (the LayerNorm module is nn/layer_norm.hpp).
//
//   y = (x - mean) / √(var + ε) · γ + β        mean and var over the last axis, var the population
//                                              variance (divide by d, not d - 1), ε inside the root
#pragma once

#include "core/tensor.hpp"

namespace sf {

/// Normalises x over its last axis, then scales by weight (γ) and shifts by bias (β) if given.
/// Written with tensor ops, to read: its gradient comes from theirs.
Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps = 1e-5);

/// The same function as one fused op (core/kernels/layer_norm.hpp): one pass per row forward, one
/// backward, saving only each row's mean and 1/std. Equal to layer_norm up to rounding (tested);
/// the LayerNorm module uses it.
Tensor layer_norm_fused(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps = 1e-5);

}  // namespace sf
