// linear.hpp: the fully connected layer's function, y = x·Wᵀ + b (the Linear module is nn/linear.hpp).
//
// W is stored as PyTorch stores it, out_features × in_features, so the product is x·Wᵀ and weights
// load directly from torch.nn.Linear.
#pragma once

#include "core/random.hpp"
#include "core/tensor.hpp"

namespace sf {

/// y = x·Wᵀ + b over the last axis of x; any leading axes ([B, L, in] → [B, L, out]).
/// `bias` may be undefined (no bias). Written with matmul and add, to read.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {});

/// The same function as one op: the matrix product adds the bias to each tile of the output as it
/// finishes it (core/kernels/epilogue.hpp), and the bias gradient is a column sum. Equal to linear
/// up to rounding (tested); the Linear module and the attention projections use it.
Tensor linear_fused(const Tensor& x, const Tensor& weight, const Tensor& bias = {});

// [doc:linear-epilogues]
/// relu_dropout(linear_fused(x, W, b), p, training, gen) as one op: the ReLU and the dropout run on
/// each tile of the output while the product still has it in the cache, so the [.., out] activation
/// before the ReLU is never written anywhere (the feed-forward network's first layer). The same
/// mask, draws and bits as the two ops in a row; it saves only its output, as relu_dropout does.
Tensor linear_relu_dropout(const Tensor& x, const Tensor& weight, const Tensor& bias, double p, bool training,
                           Generator& gen);

/// residual + dropout(linear_fused(x, W, b), p, training, gen) as one op: dropout and the residual
/// add run on each tile of the output as the product finishes it (the last projection of a
/// sub-layer, before "Add & Norm"). The same mask, draws and bits as the ops in a row.
Tensor linear_dropout_add(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& residual,
                          double p, bool training, Generator& gen);
// [doc:end]

}  // namespace sf
