// tensor.cpp: Tensor's accessors, the creation functions, and the in-place operations.
#include "core/tensor.hpp"

#include <cmath>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/kernels/strided_loop.hpp"
#include "core/ops/copy.hpp"
#include "core/ops/loops.hpp"

namespace sf {
namespace {

const TensorImpl& checked(const std::shared_ptr<TensorImpl>& impl) {
  if (!impl)
    fail<ValueError>(
        "tensor: this tensor is undefined (default-constructed, or a gradient that was never computed)");
  return *impl;
}

/// A fresh uninitialised tensor; `op` names the creation function in errors about the shape.
Tensor allocate(const Shape& shape, DType dtype, const char* op) {
  const std::int64_t n = check_shape(shape, op);  // also bounds the byte count below
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(static_cast<std::size_t>(n) * itemsize(dtype));
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

/// Writes f(i) into element i (row-major order) of a fresh tensor made by `op`.
template <class F>
Tensor generate(const char* op, const Shape& shape, TensorOptions options, F f) {
  Tensor out = allocate(shape, options.dtype, op);
  const std::int64_t n = out.numel();
  dispatch_all(options.dtype, [&]<class T>() {
    T* p = out.data<T>();
    for (std::int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(f(i));
  });
  if (options.requires_grad) out.requires_grad_();
  return out;
}

/// In-place ops may not silently change what autograd recorded: refuse them on tensors that
/// require grad (unless grad mode is off) and on expanded tensors (several elements, one address).
void check_inplace(const Tensor& t, const char* op) {
  if (grad_enabled() && t.requires_grad())
    fail<AutogradError>(op,
                        ": in-place operation on a tensor that requires grad; wrap it in NoGradGuard "
                        "(as an optimizer step does), or use the out-of-place form");
  for (std::int64_t i = 0; i < t.dim(); ++i)
    if (t.strides()[i] == 0 && t.size(i) > 1)
      fail<ValueError>(op, ": cannot write in place into an expanded tensor of shape ", t.shape(),
                       " (several elements share one memory location); call clone() first");
}

}  // namespace

// ---- accessors ----------------------------------------------------------------------------------------

const Shape& Tensor::shape() const { return checked(impl_).shape; }
std::int64_t Tensor::dim() const { return checked(impl_).shape.size(); }
std::int64_t Tensor::size(std::int64_t axis) const { return shape()[normalize_axis(axis, dim(), "size")]; }
const Strides& Tensor::strides() const { return checked(impl_).strides; }
std::int64_t Tensor::offset() const { return checked(impl_).offset; }
std::int64_t Tensor::numel() const { return sf::numel(shape()); }
DType Tensor::dtype() const { return checked(impl_).dtype; }
bool Tensor::is_contiguous() const { return sf::is_contiguous(shape(), strides()); }
const std::shared_ptr<Storage>& Tensor::storage() const { return checked(impl_).storage; }
const std::string& Tensor::name() const { return checked(impl_).name; }

Tensor& Tensor::set_name(std::string name) {
  checked(impl_);
  impl_->name = std::move(name);
  return *this;
}

template <class T>
T* Tensor::data() const {
  const TensorImpl& impl = checked(impl_);
  if (impl.dtype != dtype_of<T>())
    fail<TypeError>("data: the tensor holds ", dtype_name(impl.dtype), ", not ", dtype_name(dtype_of<T>()));
  return static_cast<T*>(impl.storage->data()) + impl.offset;
}
template float* Tensor::data<float>() const;
template double* Tensor::data<double>() const;
template std::int64_t* Tensor::data<std::int64_t>() const;
template bool* Tensor::data<bool>() const;

double Tensor::item() const {
  if (numel() != 1)
    fail<ValueError>("item: the tensor has shape ", shape(), " (", numel(),
                     " elements); item() needs exactly one");
  return dispatch_all(dtype(), [&]<class T>() { return static_cast<double>(*data<T>()); });
}

template <class T>
std::vector<T> Tensor::to_vector() const {
  Tensor c = empty(shape(), {.dtype = dtype_of<T>()});
  detail::copy_into(c, *this);
  return std::vector<T>(c.data<T>(), c.data<T>() + c.numel());
}
template std::vector<float> Tensor::to_vector<float>() const;
template std::vector<double> Tensor::to_vector<double>() const;
template std::vector<std::int64_t> Tensor::to_vector<std::int64_t>() const;

// ---- creation ------------------------------------------------------------------------------------------

Tensor empty(const Shape& shape, TensorOptions options) {
  Tensor t = allocate(shape, options.dtype, "empty");
  if (options.requires_grad) t.requires_grad_();
  return t;
}

namespace {
Tensor full_named(const char* op, const Shape& shape, double value, TensorOptions options) {
  return generate(op, shape, options, [value](std::int64_t) { return value; });
}
}  // namespace
Tensor full(const Shape& shape, double value, TensorOptions options) {
  return full_named("full", shape, value, options);
}
Tensor zeros(const Shape& shape, TensorOptions options) { return full_named("zeros", shape, 0.0, options); }
Tensor ones(const Shape& shape, TensorOptions options) { return full_named("ones", shape, 1.0, options); }
Tensor empty_like(const Tensor& like) { return empty(like.shape(), {.dtype = like.dtype()}); }
Tensor zeros_like(const Tensor& like) { return zeros(like.shape(), {.dtype = like.dtype()}); }
Tensor ones_like(const Tensor& like) { return ones(like.shape(), {.dtype = like.dtype()}); }
Tensor full_like(const Tensor& like, double value) {
  return full(like.shape(), value, {.dtype = like.dtype()});
}

Tensor arange(double start, double end, double step, TensorOptions options) {
  if (step == 0 || !std::isfinite(start) || !std::isfinite(end) || !std::isfinite(step))
    fail<ValueError>("arange: start ", start, ", end ", end, " and step ", step,
                     " must be finite, with step != 0");
  const double count = std::ceil((end - start) / step);
  if (!(count <= static_cast<double>(kMaxNumel)))  // also catches an infinite (end - start) / step
    fail<ShapeError>("arange: start ", start, ", end ", end, " and step ", step, " give ", count,
                     " elements, more than the limit of ", kMaxNumel, " (2^40)");
  const auto n = static_cast<std::int64_t>(count > 0 ? count : 0);
  return generate("arange", {n}, options,
                  [=](std::int64_t i) { return start + static_cast<double>(i) * step; });
}
Tensor arange(double end, TensorOptions options) { return arange(0.0, end, 1.0, options); }

Tensor tensor(const std::vector<double>& values, const Shape& shape, TensorOptions options) {
  const std::int64_t n = check_shape(shape, "tensor");
  if (static_cast<std::int64_t>(values.size()) != n)
    fail<ShapeError>("tensor: ", values.size(), " values cannot fill shape ", shape, " (", n, " elements)");
  return generate("tensor", shape, options,
                  [&](std::int64_t i) { return values[static_cast<std::size_t>(i)]; });
}
Tensor tensor(const std::vector<double>& values, TensorOptions options) {
  return tensor(values, {static_cast<std::int64_t>(values.size())}, options);
}
Tensor eye(std::int64_t n, TensorOptions options) {
  return generate("eye", {n, n}, options, [n](std::int64_t i) { return i / n == i % n ? 1.0 : 0.0; });
}
Tensor scalar_tensor(double value, TensorOptions options) {
  return full_named("scalar_tensor", {}, value, options);
}

// ---- random -------------------------------------------------------------------------------------------
// One draw per element in row-major order, so the same seed gives the same tensor everywhere.

Tensor uniform(const Shape& shape, double low, double high, Generator& gen, TensorOptions options) {
  if (!(low < high)) fail<ValueError>("uniform: need low < high, got [", low, ", ", high, ")");
  if (options.dtype == kFloat32)
    return generate("uniform", shape, options, [&](std::int64_t) {
      return static_cast<float>(low) + static_cast<float>(high - low) * gen.uniform_float();
    });
  return generate("uniform", shape, options,
                  [&](std::int64_t) { return low + (high - low) * gen.uniform(); });
}
Tensor rand(const Shape& shape, Generator& gen, TensorOptions options) {
  return uniform(shape, 0.0, 1.0, gen, options);
}
Tensor normal(const Shape& shape, double mean, double std, Generator& gen, TensorOptions options) {
  if (!(std >= 0)) fail<ValueError>("normal: standard deviation must be >= 0, got ", std);
  return generate("normal", shape, options, [&](std::int64_t) { return mean + std * gen.normal(); });
}
Tensor randn(const Shape& shape, Generator& gen, TensorOptions options) {
  return normal(shape, 0.0, 1.0, gen, options);
}
Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Generator& gen) {
  return generate("randint", shape, {.dtype = kInt64},
                  [&](std::int64_t) { return static_cast<double>(gen.randint(low, high)); });
}

// ---- in-place operations ------------------------------------------------------------------------------

Tensor& Tensor::fill_(double value) {
  check_inplace(*this, "fill_");
  dispatch_all(dtype(), [&]<class T>() {
    T* p = data<T>();
    const T v = static_cast<T>(value);
    kernels::for_each_row<1>(
        shape(), {strides()},
        [&](std::int64_t n, const kernels::Offsets<1>& at, const kernels::Offsets<1>& step) {
          for (std::int64_t i = 0; i < n; ++i) p[at[0] + i * step[0]] = v;
        });
  });
  storage()->bump_version();
  return *this;
}

Tensor& Tensor::zero_() { return fill_(0.0); }

Tensor& Tensor::copy_(const Tensor& src) {
  check_inplace(*this, "copy_");
  detail::copy_into(*this, src);
  storage()->bump_version();
  return *this;
}

Tensor& Tensor::add_(const Tensor& other, double alpha) {
  check_inplace(*this, "add_");
  if (other.dtype() != dtype())
    fail<TypeError>("add_: dtypes differ: ", dtype_name(dtype()), " and ", dtype_name(other.dtype()));
  if (!broadcasts_to(other.shape(), shape()))
    fail<ShapeError>("add_: shape ", other.shape(), " does not broadcast to the destination's shape ",
                     shape());
  dispatch_float(dtype(), "add_", [&]<class T>() {
    T* p = data<T>();
    const T* q = other.data<T>();
    const T a = static_cast<T>(alpha);
    kernels::for_each_row<2>(
        shape(), {strides(), detail::broadcast_strides(other, shape())},
        [&](std::int64_t n, const kernels::Offsets<2>& at, const kernels::Offsets<2>& step) {
          for (std::int64_t i = 0; i < n; ++i) p[at[0] + i * step[0]] += a * q[at[1] + i * step[1]];
        });
  });
  storage()->bump_version();
  return *this;
}

Tensor& Tensor::mul_(double factor) {
  check_inplace(*this, "mul_");
  dispatch_float(dtype(), "mul_", [&]<class T>() {
    T* p = data<T>();
    const T f = static_cast<T>(factor);
    kernels::for_each_row<1>(
        shape(), {strides()},
        [&](std::int64_t n, const kernels::Offsets<1>& at, const kernels::Offsets<1>& step) {
          for (std::int64_t i = 0; i < n; ++i) p[at[0] + i * step[0]] *= f;
        });
  });
  storage()->bump_version();
  return *this;
}

}  // namespace sf
