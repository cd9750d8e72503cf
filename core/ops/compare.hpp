// compare.hpp: comparisons and logic, producing bool tensors (masks). Not differentiable.
//
// Masks are how attention hides positions: causal = arange(L).unsqueeze(1) < arange(L).unsqueeze(0)
// is true above the diagonal (the future), and logical_or composes it with a padding mask.
#pragma once

#include "core/tensor.hpp"

namespace sf {

/// Elementwise comparisons with broadcasting; both inputs of the same dtype. Result dtype bool.
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
/// Against a scalar: eq(ids, 0) marks the padding tokens.
Tensor eq(const Tensor& a, double b);
Tensor ne(const Tensor& a, double b);
Tensor lt(const Tensor& a, double b);
Tensor le(const Tensor& a, double b);
Tensor gt(const Tensor& a, double b);
Tensor ge(const Tensor& a, double b);

/// Logic on bool tensors, with broadcasting.
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_not(const Tensor& a);

/// True when any / every element of a bool tensor is true.
bool any(const Tensor& mask);
bool all(const Tensor& mask);

}  // namespace sf
