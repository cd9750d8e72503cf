// reduce.hpp: sums, means, maxima and variances along axes.
//
// Axes may be negative (-1 is the last). With keepdim the reduced axes stay as size 1, so the
// result broadcasts against the input: x - mean(x, -1, true) centres every row.
#pragma once

#include "core/tensor.hpp"

namespace sf {

/// A list of axes: sum(x, {0, 2}).
using Axes = Dims;

/// Sum of every element (a 0-dimensional tensor).
Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, const Axes& axes, bool keepdim = false);
Tensor sum(const Tensor& x, std::int64_t axis, bool keepdim = false);

Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, const Axes& axes, bool keepdim = false);
Tensor mean(const Tensor& x, std::int64_t axis, bool keepdim = false);

/// The largest element (its gradient flows to the first position holding it).
Tensor max(const Tensor& x);
/// Maximum along one axis.
Tensor max(const Tensor& x, std::int64_t axis, bool keepdim = false);
/// Position of the maximum along an axis (the first one on ties), as int64. Not differentiable.
Tensor argmax(const Tensor& x, std::int64_t axis, bool keepdim = false);

/// Variance over `axes`: Σ(x - mean)² / (n - correction). correction = 1 is the unbiased
/// estimate (PyTorch's default); correction = 0 is the population variance LayerNorm uses.
Tensor var(const Tensor& x, const Axes& axes, bool keepdim = false, std::int64_t correction = 1);
Tensor var(const Tensor& x, std::int64_t axis, bool keepdim = false, std::int64_t correction = 1);

/// Sums x down to `shape`, which must broadcast to x's shape: the reverse of broadcasting, used by
/// every backward pass whose input was broadcast. Returns x itself when the shapes already match.
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace sf
