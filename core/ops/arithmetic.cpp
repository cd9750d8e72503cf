// arithmetic.cpp: add, sub, mul, div, neg and a^b, broadcast, each with its backward.
//
// The rule every backward here follows: if an input was broadcast (its size-1 or missing axes
// repeated to the output's shape), each of its elements was used many times in the forward pass,
// so its gradient is the SUM of the output gradients over those copies: sum_to(grad, input shape).
#include <cmath>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/ops/elementwise.hpp"
#include "core/ops/loops.hpp"
#include "core/ops/reduce.hpp"

namespace sf {
namespace {

/// Checks that a and b can meet in a binary op and returns their broadcast shape.
Shape binary_shape(const Tensor& a, const Tensor& b, const char* op) {
  if (a.dtype() != b.dtype())
    fail<TypeError>(op, ": dtypes differ: ", dtype_name(a.dtype()), " and ", dtype_name(b.dtype()),
                    " (convert one with .to())");
  return broadcast_shapes(a.shape(), b.shape(), op);
}

/// out = f(a, b) elementwise over the broadcast shape, for float32 or float64.
template <class F>
Tensor binary(const Tensor& a, const Tensor& b, const char* op, F f) {
  const Shape shape = binary_shape(a, b, op);
  return dispatch_float(a.dtype(), op,
                        [&]<class T>() { return detail::map_binary<T, T, T>(a, b, shape, f); });
}

using detail::scalar_like;

}  // namespace

// ---- add: out = a + b ------------------------------------------------------------------------------

struct Add final : Node {
  const char* name() const override { return "add"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = binary(a, b, "add", [](auto x, auto y) { return x + y; });
  record<Add>(out, {a, b});
  return out;
}

std::vector<Tensor> Add::backward(const Tensor& dout) {
  // ∂out/∂a = ∂out/∂b = 1: the gradient passes through, reduced to each input's shape.
  return {needs_grad(0) ? sum_to(dout, input_shapes[0]) : Tensor(),
          needs_grad(1) ? sum_to(dout, input_shapes[1]) : Tensor()};
}

// ---- sub: out = a - b ------------------------------------------------------------------------------

struct Sub final : Node {
  const char* name() const override { return "sub"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = binary(a, b, "sub", [](auto x, auto y) { return x - y; });
  record<Sub>(out, {a, b});
  return out;
}

std::vector<Tensor> Sub::backward(const Tensor& dout) {
  // ∂out/∂a = 1, ∂out/∂b = -1.
  return {needs_grad(0) ? sum_to(dout, input_shapes[0]) : Tensor(),
          needs_grad(1) ? sum_to(neg(dout), input_shapes[1]) : Tensor()};
}

// [doc:mul]
// ---- mul: out = a · b ------------------------------------------------------------------------------

struct Mul final : Node {
  SavedTensor a{this}, b{this};
  const char* name() const override { return "mul"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = binary(a, b, "mul", [](auto x, auto y) { return x * y; });
  if (auto node = record<Mul>(out, {a, b})) {
    if (node->needs_grad(1)) node->a.save(a);
    if (node->needs_grad(0)) node->b.save(b);
  }
  return out;
}

std::vector<Tensor> Mul::backward(const Tensor& dout) {
  // ∂out/∂a = b and ∂out/∂b = a: each input's gradient is dout times the other input.
  return {needs_grad(0) ? sum_to(mul(dout, b.get()), input_shapes[0]) : Tensor(),
          needs_grad(1) ? sum_to(mul(dout, a.get()), input_shapes[1]) : Tensor()};
}
// [doc:end]

// ---- div: out = a / b ------------------------------------------------------------------------------

struct Div final : Node {
  SavedTensor a{this}, b{this};
  const char* name() const override { return "div"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = binary(a, b, "div", [](auto x, auto y) { return x / y; });
  if (auto node = record<Div>(out, {a, b})) {
    if (node->needs_grad(1)) node->a.save(a);
    node->b.save(b);
  }
  return out;
}

std::vector<Tensor> Div::backward(const Tensor& dout) {
  // ∂(a/b)/∂a = 1/b and ∂(a/b)/∂b = -a/b².
  const Tensor bb = b.get();
  return {needs_grad(0) ? sum_to(div(dout, bb), input_shapes[0]) : Tensor(),
          needs_grad(1) ? sum_to(neg(mul(dout, div(a.get(), mul(bb, bb)))), input_shapes[1]) : Tensor()};
}

// ---- neg: out = -x ---------------------------------------------------------------------------------

struct Neg final : Node {
  const char* name() const override { return "neg"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor neg(const Tensor& x) {
  Tensor out = dispatch_float(x.dtype(), "neg",
                              [&]<class T>() { return detail::map_unary<T, T>(x, [](T v) { return -v; }); });
  record<Neg>(out, {x});
  return out;
}

std::vector<Tensor> Neg::backward(const Tensor& dout) { return {neg(dout)}; }

// ---- pow with a tensor exponent: out = a^b -----------------------------------------------------------

struct PowTensor final : Node {
  SavedTensor a{this}, b{this}, out{this};
  const char* name() const override { return "pow"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor pow(const Tensor& a, const Tensor& b) {
  Tensor out = binary(a, b, "pow", [](auto x, auto y) { return std::pow(x, y); });
  if (auto node = record<PowTensor>(out, {a, b})) {
    node->a.save(a);
    node->b.save(b);
    node->out.save(out);
  }
  return out;
}

std::vector<Tensor> PowTensor::backward(const Tensor& dout) {
  // ∂(a^b)/∂a = b·a^(b-1) and ∂(a^b)/∂b = a^b·ln a.
  const Tensor aa = a.get(), bb = b.get();
  return {needs_grad(0) ? sum_to(mul(dout, mul(bb, pow(aa, sub(bb, 1.0)))), input_shapes[0]) : Tensor(),
          needs_grad(1) ? sum_to(mul(dout, mul(out.get(), log(aa))), input_shapes[1]) : Tensor()};
}

// ---- scalar forms and operators -----------------------------------------------------------------------

Tensor add(const Tensor& a, double b) { return add(a, scalar_like(a, b)); }
Tensor sub(const Tensor& a, double b) { return sub(a, scalar_like(a, b)); }
Tensor mul(const Tensor& a, double b) { return mul(a, scalar_like(a, b)); }
Tensor div(const Tensor& a, double b) { return div(a, scalar_like(a, b)); }

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator-(const Tensor& x) { return neg(x); }
Tensor operator+(const Tensor& a, double b) { return add(a, b); }
Tensor operator-(const Tensor& a, double b) { return sub(a, b); }
Tensor operator*(const Tensor& a, double b) { return mul(a, b); }
Tensor operator/(const Tensor& a, double b) { return div(a, b); }
Tensor operator+(double a, const Tensor& b) { return add(scalar_like(b, a), b); }
Tensor operator-(double a, const Tensor& b) { return sub(scalar_like(b, a), b); }
Tensor operator*(double a, const Tensor& b) { return mul(scalar_like(b, a), b); }
Tensor operator/(double a, const Tensor& b) { return div(scalar_like(b, a), b); }

}  // namespace sf
