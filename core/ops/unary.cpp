// unary.cpp: exp, log, sqrt, x^p, tanh, relu and gelu, each with its backward.
//
// Each backward multiplies the incoming gradient by the local derivative, written in terms of
// whichever of input x or output y makes it cheapest (exp' = y, tanh' = 1 - y², log' = 1/x).
#include <cmath>
#include <numbers>

#include "core/autograd.hpp"
#include "core/ops/elementwise.hpp"
#include "core/ops/loops.hpp"

namespace sf {
namespace {

/// out = f(x) for a float tensor; `op` names it in errors.
template <class F>
Tensor unary(const Tensor& x, const char* op, F f) {
  return dispatch_float(x.dtype(), op, [&]<class T>() { return detail::map_unary<T, T>(x, f); });
}

/// out = f(a, b) for two float tensors of the same shape (used by the backward passes below).
template <class F>
Tensor unary_backward(const Tensor& dout, const Tensor& saved, const char* op, F f) {
  return dispatch_float(dout.dtype(), op,
                        [&]<class T>() { return detail::map_binary<T, T, T>(dout, saved, dout.shape(), f); });
}

}  // namespace

// ---- exp: y = e^x --------------------------------------------------------------------------------

struct Exp final : Node {
  SavedTensor y{this};
  const char* name() const override { return "exp"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor exp(const Tensor& x) {
  Tensor out = unary(x, "exp", [](auto v) { return std::exp(v); });
  if (auto node = record<Exp>(out, {x})) node->y.save(out);
  return out;
}

std::vector<Tensor> Exp::backward(const Tensor& dout) { return {mul(dout, y.get())}; }  // (e^x)' = e^x

// ---- log: y = ln x ---------------------------------------------------------------------------------

struct Log final : Node {
  SavedTensor x{this};
  const char* name() const override { return "log"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor log(const Tensor& x) {
  Tensor out = unary(x, "log", [](auto v) { return std::log(v); });
  if (auto node = record<Log>(out, {x})) node->x.save(x);
  return out;
}

std::vector<Tensor> Log::backward(const Tensor& dout) { return {div(dout, x.get())}; }  // (ln x)' = 1/x

// ---- sqrt: y = √x ----------------------------------------------------------------------------------

struct Sqrt final : Node {
  SavedTensor y{this};
  const char* name() const override { return "sqrt"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor sqrt(const Tensor& x) {
  Tensor out = unary(x, "sqrt", [](auto v) { return std::sqrt(v); });
  if (auto node = record<Sqrt>(out, {x})) node->y.save(out);
  return out;
}

std::vector<Tensor> Sqrt::backward(const Tensor& dout) {
  // (√x)' = 1 / (2√x) = 1 / (2y)
  return {unary_backward(dout, y.get(), "sqrt", [](auto g, auto v) { return g / (2 * v); })};
}

// ---- pow with a fixed exponent: y = x^p -----------------------------------------------------------

struct PowScalar final : Node {
  SavedTensor x{this};
  double p = 0;
  const char* name() const override { return "pow"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor pow(const Tensor& x, double p) {
  Tensor out = unary(x, "pow", [p](auto v) { return std::pow(v, static_cast<decltype(v)>(p)); });
  if (auto node = record<PowScalar>(out, {x})) {
    node->x.save(x);
    node->p = p;
  }
  return out;
}

std::vector<Tensor> PowScalar::backward(const Tensor& dout) {
  // (x^p)' = p·x^(p-1)
  const double e = p;
  return {unary_backward(dout, x.get(), "pow", [e](auto g, auto v) {
    using T = decltype(v);
    return g * static_cast<T>(e) * std::pow(v, static_cast<T>(e - 1));
  })};
}

// ---- tanh: y = tanh x --------------------------------------------------------------------------------

struct Tanh final : Node {
  SavedTensor y{this};
  const char* name() const override { return "tanh"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor tanh(const Tensor& x) {
  Tensor out = unary(x, "tanh", [](auto v) { return std::tanh(v); });
  if (auto node = record<Tanh>(out, {x})) node->y.save(out);
  return out;
}

std::vector<Tensor> Tanh::backward(const Tensor& dout) {
  // (tanh x)' = 1 - tanh² x = 1 - y²
  return {unary_backward(dout, y.get(), "tanh", [](auto g, auto v) { return g * (1 - v * v); })};
}

// ---- relu: y = max(x, 0) --------------------------------------------------------------------------------

struct Relu final : Node {
  SavedTensor x{this};
  const char* name() const override { return "relu"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor relu(const Tensor& x) {
  Tensor out = unary(x, "relu", [](auto v) { return v > 0 ? v : decltype(v)(0); });
  if (auto node = record<Relu>(out, {x})) node->x.save(x);
  return out;
}

std::vector<Tensor> Relu::backward(const Tensor& dout) {
  // relu'(x) = 1 where x > 0, else 0 (at exactly 0 we take 0, as PyTorch does).
  return {unary_backward(dout, x.get(), "relu", [](auto g, auto v) { return v > 0 ? g : decltype(g)(0); })};
}

// ---- gelu: y = x·Φ(x), Φ the standard normal CDF -----------------------------------------------------

struct Gelu final : Node {
  SavedTensor x{this};
  const char* name() const override { return "gelu"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor gelu(const Tensor& x) {
  Tensor out = unary(x, "gelu", [](auto v) {
    using T = decltype(v);
    return T(0.5) * v * (T(1) + std::erf(v * T(std::numbers::sqrt2 / 2)));  // Φ(v) = ½(1 + erf(v/√2))
  });
  if (auto node = record<Gelu>(out, {x})) node->x.save(x);
  return out;
}

std::vector<Tensor> Gelu::backward(const Tensor& dout) {
  // (x·Φ(x))' = Φ(x) + x·φ(x), with φ(x) = e^(-x²/2) / √(2π) the normal density.
  return {unary_backward(dout, x.get(), "gelu", [](auto g, auto v) {
    using T = decltype(v);
    const T cdf = T(0.5) * (T(1) + std::erf(v * T(std::numbers::sqrt2 / 2)));
    const T pdf = std::exp(T(-0.5) * v * v) * T(std::numbers::inv_sqrtpi / std::numbers::sqrt2);
    return g * (cdf + v * pdf);
  })};
}

}  // namespace sf
