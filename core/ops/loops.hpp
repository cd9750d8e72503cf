// loops.hpp: the elementwise map helpers the op files share (tensor in, new tensor out), and the
// size of a thread's share of a loop, and the 0-d tensor a scalar operand becomes.
//
// map_unary(x, f) and map_binary(a, b, f) allocate a contiguous output and run f over every
// element with kernels::for_each_row, reading the inputs through their strides (broadcast
// dimensions have stride 0). They know nothing of autograd: ops call them in their forward and
// record a node themselves.
#pragma once

#include <algorithm>

#include "core/kernels/strided_loop.hpp"
#include "core/parallel/thread_pool.hpp"
#include "core/tensor.hpp"

namespace sf::detail {

/// A 0-d tensor holding `value` in `like`'s dtype: the scalar operand of add(x, 1.0) or eq(x, 0.0).
inline Tensor scalar_like(const Tensor& like, double value) {
  return scalar_tensor(value, {.dtype = like.dtype()});
}

// [doc:broadcast-strides]
/// The strides that read `t` as if it had the broadcast shape `shape` (0 on broadcast axes).
inline Strides broadcast_strides(const Tensor& t, const Shape& shape) {
  Strides s = Dims::filled(shape.size(), 0);
  const std::int64_t lead = shape.size() - t.dim();
  for (std::int64_t i = 0; i < t.dim(); ++i) s[lead + i] = t.size(i) == 1 ? 0 : t.strides()[i];
  return s;
}
// [doc:end]

/// Elements per task when a loop is split across threads: below this, one thread does it all.
inline constexpr std::int64_t kElementwiseGrain = 1 << 15;

/// Elements per task for ops that work row by row (softmax, layer_norm): short rows go to a task in
/// groups, long rows one by one.
inline constexpr std::int64_t kRowGrain = 1 << 13;

/// The parallel_for grain, in rows, for rows of `row_length` elements: about `elements` elements
/// per task, and at least one row.
inline std::int64_t rows_per_task(std::int64_t row_length, std::int64_t elements = kRowGrain) {
  return std::max<std::int64_t>(1, elements / std::max<std::int64_t>(row_length, 1));
}

/// out[i] = f(x[i]); out has x's shape and dtype TOut.
template <class TOut, class TIn, class F>
Tensor map_unary(const Tensor& x, F f) {
  Tensor out = empty(x.shape(), {.dtype = dtype_of<TOut>()});
  TOut* o = out.data<TOut>();
  const TIn* p = x.data<TIn>();
  if (x.is_contiguous()) {  // the common case: one flat loop, shared between the cores
    parallel_for(x.numel(), kElementwiseGrain, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i) o[i] = f(p[i]);
    });
    return out;
  }
  kernels::for_each_row<2>(
      x.shape(), {contiguous_strides(x.shape()), x.strides()},
      [&](std::int64_t n, const kernels::Offsets<2>& at, const kernels::Offsets<2>& step) {
        TOut* po = o + at[0];
        const TIn* px = p + at[1];
        if (step[1] == 1) {
          for (std::int64_t i = 0; i < n; ++i) po[i] = f(px[i]);
        } else {
          for (std::int64_t i = 0; i < n; ++i) po[i * step[0]] = f(px[i * step[1]]);
        }
      });
  return out;
}

/// out[i] = f(a[i], b[i]) over the broadcast shape `shape`; out has dtype TOut.
template <class TOut, class TA, class TB, class F>
Tensor map_binary(const Tensor& a, const Tensor& b, const Shape& shape, F f) {
  Tensor out = empty(shape, {.dtype = dtype_of<TOut>()});
  TOut* o = out.data<TOut>();
  const TA* pa = a.data<TA>();
  const TB* pb = b.data<TB>();
  const bool flat_a = a.shape() == shape && a.is_contiguous(),
             flat_b = b.shape() == shape && b.is_contiguous();
  if ((flat_a || a.numel() == 1) && (flat_b || b.numel() == 1)) {  // same shapes, or a scalar: one flat loop
    const std::int64_t sa = flat_a ? 1 : 0, sb = flat_b ? 1 : 0;
    parallel_for(numel(shape), kElementwiseGrain, [&](std::int64_t begin, std::int64_t end) {
      if (sa == 1 && sb == 1) {
        for (std::int64_t i = begin; i < end; ++i) o[i] = f(pa[i], pb[i]);
      } else if (sa == 1) {
        const TB y = pb[0];
        for (std::int64_t i = begin; i < end; ++i) o[i] = f(pa[i], y);
      } else {
        for (std::int64_t i = begin; i < end; ++i) o[i] = f(pa[i * sa], pb[i * sb]);
      }
    });
    return out;
  }
  kernels::for_each_row<3>(
      shape, {contiguous_strides(shape), broadcast_strides(a, shape), broadcast_strides(b, shape)},
      [&](std::int64_t n, const kernels::Offsets<3>& at, const kernels::Offsets<3>& step) {
        TOut* po = o + at[0];
        const TA* x = pa + at[1];
        const TB* y = pb + at[2];
        if (step[0] == 1 && step[1] == 1 && step[2] == 1) {
          for (std::int64_t i = 0; i < n; ++i) po[i] = f(x[i], y[i]);
        } else if (step[0] == 1 && step[1] == 1 && step[2] == 0) {
          const TB y0 = y[0];
          for (std::int64_t i = 0; i < n; ++i) po[i] = f(x[i], y0);
        } else {
          for (std::int64_t i = 0; i < n; ++i) po[i * step[0]] = f(x[i * step[1]], y[i * step[2]]);
        }
      });
  return out;
}

}  // namespace sf::detail
