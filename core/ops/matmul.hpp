// matmul.hpp: the matrix product, the op that does nearly all the arithmetic of a Transformer.
#pragma once

#include "core/tensor.hpp"

namespace sf {

/// Matrix product with NumPy/PyTorch rules:
///   [M, K] @ [K, N] → [M, N];
///   [..., M, K] @ [..., K, N] → [..., M, N], the leading (batch) axes broadcast;
///   a 1-D left operand is a row vector and a 1-D right operand a column vector (the added axis is
///   removed from the result).
/// Transposed views are read in place: matmul(q, k.transpose(-2, -1)) copies nothing.
Tensor matmul(const Tensor& a, const Tensor& b);

}  // namespace sf
