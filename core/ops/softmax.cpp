// softmax.cpp: the softmax and log-softmax ops (the kernels are in core/kernels/softmax.hpp).
#include "core/ops/softmax.hpp"

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/kernels/softmax.hpp"

namespace sf {
namespace {

/// The contiguous [outer, n, inner] view of `shape` around `axis`.
struct Rows {
  std::int64_t outer = 1, n = 1, inner = 1;
};

Rows rows_around(const Shape& shape, std::int64_t axis) {
  Rows r;
  if (shape.empty()) return r;
  for (std::int64_t i = 0; i < axis; ++i) r.outer *= shape[i];
  r.n = shape[axis];
  for (std::int64_t i = axis + 1; i < shape.size(); ++i) r.inner *= shape[i];
  return r;
}

}  // namespace

// ---- softmax --------------------------------------------------------------------------------------------

// [doc:softmax-op]
struct Softmax final : Node {
  SavedTensor y{this};
  std::int64_t axis = 0;
  const char* name() const override { return "softmax"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor softmax(const Tensor& x, std::int64_t axis) {
  const std::int64_t ax = normalize_axis(axis, x.dim(), "softmax");
  const Tensor xc = x.contiguous();
  const Rows r = rows_around(x.shape(), ax);
  Tensor y = empty(x.shape(), {.dtype = x.dtype()});
  dispatch_float(x.dtype(), "softmax", [&]<class T>() {
    kernels::softmax_forward(y.data<T>(), xc.data<T>(), r.outer, r.n, r.inner);
  });
  if (auto node = record<Softmax>(y, {x})) {
    node->y.save(y);
    node->axis = ax;
  }
  return y;
}

std::vector<Tensor> Softmax::backward(const Tensor& dout) {
  const Tensor yy = y.get(), dy = dout.contiguous();
  const Rows r = rows_around(yy.shape(), axis);
  Tensor dx = empty(yy.shape(), {.dtype = yy.dtype()});
  dispatch_float(yy.dtype(), "softmax", [&]<class T>() {
    kernels::softmax_backward(dx.data<T>(), yy.data<T>(), dy.data<T>(), r.outer, r.n, r.inner);
  });
  return {dx};
}
// [doc:end]

// ---- log_softmax ------------------------------------------------------------------------------------------

struct LogSoftmax final : Node {
  SavedTensor y{this};
  std::int64_t axis = 0;
  const char* name() const override { return "log_softmax"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor log_softmax(const Tensor& x, std::int64_t axis) {
  const std::int64_t ax = normalize_axis(axis, x.dim(), "log_softmax");
  const Tensor xc = x.contiguous();
  const Rows r = rows_around(x.shape(), ax);
  Tensor y = empty(x.shape(), {.dtype = x.dtype()});
  dispatch_float(x.dtype(), "log_softmax", [&]<class T>() {
    kernels::log_softmax_forward(y.data<T>(), xc.data<T>(), r.outer, r.n, r.inner);
  });
  if (auto node = record<LogSoftmax>(y, {x})) {
    node->y.save(y);
    node->axis = ax;
  }
  return y;
}

std::vector<Tensor> LogSoftmax::backward(const Tensor& dout) {
  const Tensor yy = y.get(), dy = dout.contiguous();
  const Rows r = rows_around(yy.shape(), axis);
  Tensor dx = empty(yy.shape(), {.dtype = yy.dtype()});
  dispatch_float(yy.dtype(), "log_softmax", [&]<class T>() {
    kernels::log_softmax_backward(dx.data<T>(), yy.data<T>(), dy.data<T>(), r.outer, r.n, r.inner);
  });
  return {dx};
}

}  // namespace sf
