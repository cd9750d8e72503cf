// copy.cpp: the ops that copy data: clone, contiguous and to(dtype), and the strided copy kernel
// under them (also used by the in-place copy_).
#include "core/ops/copy.hpp"

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/kernels/strided_loop.hpp"
#include "core/ops/loops.hpp"

namespace sf {

void detail::copy_into(const Tensor& dst, const Tensor& src) {
  if (!broadcasts_to(src.shape(), dst.shape()))
    fail<ShapeError>("copy_: source of shape ", src.shape(),
                     " does not broadcast to the destination's shape ", dst.shape());
  dispatch_all(dst.dtype(), [&]<class TD>() {
    dispatch_all(src.dtype(), [&]<class TS>() {
      TD* pd = dst.data<TD>();
      const TS* ps = src.data<TS>();
      kernels::for_each_row<2>(
          dst.shape(), {dst.strides(), detail::broadcast_strides(src, dst.shape())},
          [&](std::int64_t n, const kernels::Offsets<2>& at, const kernels::Offsets<2>& step) {
            TD* d = pd + at[0];
            const TS* s = ps + at[1];
            for (std::int64_t i = 0; i < n; ++i) d[i * step[0]] = static_cast<TD>(s[i * step[1]]);
          });
    });
  });
}

// ---- clone: a contiguous copy ------------------------------------------------------------------------

struct Clone final : Node {
  const char* name() const override { return "clone"; }
  std::vector<Tensor> backward(const Tensor& dout) override {
    return {dout};
  }  // a copy: gradient passes through
};

Tensor Tensor::clone() const {
  Tensor out = empty(shape(), {.dtype = dtype()});
  detail::copy_into(out, *this);
  record<Clone>(out, {*this});
  return out;
}

Tensor Tensor::contiguous() const {
  if (is_contiguous()) return *this;
  return clone();
}

// ---- to: convert the dtype ------------------------------------------------------------------------------

struct ToDType final : Node {
  const char* name() const override { return "to"; }
  std::vector<Tensor> backward(const Tensor& dout) override { return {dout.to(input_dtypes[0])}; }
};

Tensor Tensor::to(DType target) const {
  if (target == dtype()) return *this;
  Tensor out = empty(shape(), {.dtype = target});
  detail::copy_into(out, *this);
  if (is_floating(target) && is_floating(dtype())) record<ToDType>(out, {*this});
  return out;
}

}  // namespace sf
