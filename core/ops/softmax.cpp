// softmax.cpp: the softmax and log-softmax ops (the kernels are in core/kernels/softmax.hpp).
#include "core/ops/softmax.hpp"

#include <algorithm>
#include <vector>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/kernels/softmax.hpp"
#include "core/kernels/strided_loop.hpp"
#include "core/ops/loops.hpp"
#include "core/parallel/thread_pool.hpp"

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

// ---- masked_softmax: scale, mask and softmax in one pass ------------------------------------------------

struct MaskedSoftmax final : Node {
  SavedTensor y{this};
  double scale = 1;
  const char* name() const override { return "masked_softmax"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor masked_softmax(const Tensor& x_in, double scale, const Tensor& mask) {
  if (x_in.dim() == 0) fail<ShapeError>("masked_softmax: the input needs at least one axis");
  if (mask.defined() && mask.dtype() != kBool)
    fail<TypeError>("masked_softmax: the mask must be bool (true = left out), got ",
                    dtype_name(mask.dtype()));
  if (mask.defined() && !broadcasts_to(mask.shape(), x_in.shape()))
    fail<ShapeError>("masked_softmax: mask of shape ", mask.shape(),
                     " does not broadcast to the input's shape ", x_in.shape());
  const Tensor x = x_in.contiguous();
  const std::int64_t n = x.size(-1), rows = n ? x.numel() / n : 0;
  // Where each row's mask starts: the mask is read through its broadcast strides, never copied.
  std::vector<std::int64_t> mask_row(static_cast<std::size_t>(rows), 0);
  std::int64_t mask_step = 0;
  if (mask.defined()) {
    const Strides ms = detail::broadcast_strides(mask, x.shape());
    mask_step = ms.back();
    Shape lead = x.shape();
    Strides lead_strides = ms;
    lead.erase(lead.size() - 1);
    lead_strides.erase(lead_strides.size() - 1);
    std::size_t r = 0;
    kernels::for_each_row<1>(
        lead, {lead_strides},
        [&](std::int64_t count, const kernels::Offsets<1>& at, const kernels::Offsets<1>& step) {
          for (std::int64_t i = 0; i < count; ++i) mask_row[r++] = at[0] + i * step[0];
        });
  }
  Tensor y = empty(x.shape(), {.dtype = x.dtype()});
  dispatch_float(x.dtype(), "masked_softmax", [&]<class T>() {
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const bool* pm = mask.defined() ? mask.data<bool>() : nullptr;
    parallel_for(rows, detail::rows_per_task(n), [&](std::int64_t r0, std::int64_t r1) {
      for (std::int64_t r = r0; r < r1; ++r)
        kernels::masked_softmax_row(py + r * n, px + r * n, n, static_cast<T>(scale),
                                    pm ? pm + mask_row[static_cast<std::size_t>(r)] : nullptr, mask_step);
    });
  });
  if (auto node = record<MaskedSoftmax>(y, {x_in})) {
    node->y.save(y);
    node->scale = scale;
  }
  return y;
}

std::vector<Tensor> MaskedSoftmax::backward(const Tensor& dout) {
  // y = softmax(s), s = x·scale (masked entries have y = 0, so they get no gradient either):
  // dx = scale · y ⊙ (dy - ⟨dy, y⟩).
  const Tensor yy = y.get(), dy = dout.contiguous();
  const std::int64_t n = yy.size(-1), rows = n ? yy.numel() / n : 0;
  Tensor dx = empty(yy.shape(), {.dtype = yy.dtype()});
  dispatch_float(yy.dtype(), "masked_softmax", [&]<class T>() {
    T* pd = dx.data<T>();
    parallel_for(rows, detail::rows_per_task(n), [&](std::int64_t r0, std::int64_t r1) {
      kernels::softmax_backward(pd + r0 * n, yy.data<T>() + r0 * n, dy.data<T>() + r0 * n, r1 - r0, n, 1);
      const T s = static_cast<T>(scale);
      for (std::int64_t i = r0 * n; i < r1 * n; ++i) pd[i] *= s;
    });
  });
  return {dx};
}

}  // namespace sf
