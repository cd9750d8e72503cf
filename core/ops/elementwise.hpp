// elementwise.hpp: arithmetic and activation functions, one element at a time, with broadcasting.
//
// Binary ops broadcast like NumPy and PyTorch: shapes are aligned on the right, and each pair of
// sizes must be equal or contain a 1 ([4, 1, 3] with [5, 1] gives [4, 5, 3]). Both inputs must
// have the same float dtype. The gradient flowing back to a broadcast input is summed over the
// axes it was broadcast along, so it has the input's own shape.
#pragma once

#include "core/tensor.hpp"

namespace sf {

Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
/// Scalar forms: add(x, 1.0) adds 1 to every element (the scalar takes x's dtype).
Tensor add(const Tensor& a, double b);
Tensor sub(const Tensor& a, double b);
Tensor mul(const Tensor& a, double b);
Tensor div(const Tensor& a, double b);

Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
/// Natural logarithm.
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
/// x^p for a fixed exponent p.
Tensor pow(const Tensor& x, double p);
/// a^b elementwise, broadcast (the gradient with respect to b needs a > 0).
Tensor pow(const Tensor& a, const Tensor& b);
Tensor tanh(const Tensor& x);
/// max(x, 0).
Tensor relu(const Tensor& x);
/// x·Φ(x), the exact Gaussian error linear unit (Hendrycks and Gimpel 2016), as torch's GELU().
Tensor gelu(const Tensor& x);

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& x);
Tensor operator+(const Tensor& a, double b);
Tensor operator-(const Tensor& a, double b);
Tensor operator*(const Tensor& a, double b);
Tensor operator/(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(double a, const Tensor& b);

}  // namespace sf
