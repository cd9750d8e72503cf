// linear.hpp: the fully connected layer's function, y = x·Wᵀ + b (the Linear module is nn/linear.hpp).
//
// W is stored as PyTorch stores it, out_features × in_features, so the product is x·Wᵀ and weights
// load directly from torch.nn.Linear.
#pragma once

#include "core/tensor.hpp"

namespace sf {

/// y = x·Wᵀ + b over the last axis of x; any leading axes ([B, L, in] → [B, L, out]).
/// `bias` may be undefined (no bias). Written with matmul and add, to read.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {});

/// The same function as one op: the bias is written into the output first and the matrix product
/// adds onto it (one pass less), and the bias gradient is a column sum. Equal to linear up to
/// rounding (tested); the Linear module and the attention projections use it.
Tensor linear_fused(const Tensor& x, const Tensor& weight, const Tensor& bias = {});

}  // namespace sf
