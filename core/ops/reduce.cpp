// reduce.cpp: sum, mean, max/argmax, var and sum_to.
//
// sum accumulates in double whatever the dtype (a float32 sum of a million numbers would otherwise
// lose digits), in row-major order, so the result is the same on every run. mean and var are
// written in terms of sum, so their gradients come from sum's backward.
#include "core/ops/reduce.hpp"

#include <vector>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/kernels/strided_loop.hpp"
#include "core/ops/elementwise.hpp"

namespace sf {
namespace {

/// Which axes of an ndim tensor are reduced; an empty list means all of them.
std::vector<bool> reduced_mask(const Axes& axes, std::int64_t ndim, const char* op) {
  std::vector<bool> mask(static_cast<std::size_t>(ndim), axes.empty());
  for (std::int64_t a : axes) {
    const auto i = static_cast<std::size_t>(normalize_axis(a, ndim, op));
    if (mask[i]) fail<IndexError>(op, ": axis ", a, " appears twice in ", axes);
    mask[i] = true;
  }
  return mask;
}

/// The output shape: reduced axes become 1 (keepdim) or disappear.
Shape reduced_shape(const Shape& shape, const std::vector<bool>& mask, bool keepdim) {
  Shape out;
  for (std::int64_t i = 0; i < shape.size(); ++i) {
    if (!mask[static_cast<std::size_t>(i)])
      out.push_back(shape[i]);
    else if (keepdim)
      out.push_back(1);
  }
  return out;
}

std::int64_t reduced_count(const Shape& shape, const std::vector<bool>& mask) {
  std::int64_t n = 1;
  for (std::int64_t i = 0; i < shape.size(); ++i)
    if (mask[static_cast<std::size_t>(i)]) n *= shape[i];
  return n;
}

}  // namespace

// ---- sum ---------------------------------------------------------------------------------------------

struct Sum final : Node {
  Shape kept_shape;  // the output shape with keepdim = true
  const char* name() const override { return "sum"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor sum(const Tensor& x, const Axes& axes, bool keepdim) {
  const auto mask = reduced_mask(axes, x.dim(), "sum");
  const Shape kept = reduced_shape(x.shape(), mask, true);
  Tensor out = dispatch_float(x.dtype(), "sum", [&]<class T>() {
    // Read x in row-major order and add each element into its output slot: the slot's strides are
    // those of the kept shape with 0 on reduced axes, so every element of a reduced row lands in
    // the same place. Accumulate in double, then round once.
    std::vector<double> acc(static_cast<std::size_t>(numel(kept)), 0.0);
    Strides slot = contiguous_strides(kept);
    for (std::int64_t i = 0; i < x.dim(); ++i)
      if (mask[static_cast<std::size_t>(i)]) slot[i] = 0;
    const T* px = x.data<T>();
    kernels::for_each_row<2>(
        x.shape(), {slot, x.strides()},
        [&](std::int64_t n, const kernels::Offsets<2>& at, const kernels::Offsets<2>& step) {
          double* a = acc.data() + at[0];
          const T* p = px + at[1];
          if (step[0] == 0) {
            double s = 0;
            for (std::int64_t i = 0; i < n; ++i) s += p[i * step[1]];
            *a += s;
          } else {
            for (std::int64_t i = 0; i < n; ++i) a[i * step[0]] += p[i * step[1]];
          }
        });
    Tensor r = empty(reduced_shape(x.shape(), mask, keepdim), {.dtype = x.dtype()});
    T* pr = r.data<T>();
    for (std::size_t i = 0; i < acc.size(); ++i) pr[i] = static_cast<T>(acc[i]);
    return r;
  });
  if (auto node = record<Sum>(out, {x})) node->kept_shape = kept;
  return out;
}

std::vector<Tensor> Sum::backward(const Tensor& dout) {
  // Every input element contributed once to its output slot: each receives that slot's gradient.
  return {dout.reshape(kept_shape).expand(input_shapes[0])};
}

Tensor sum(const Tensor& x) { return sum(x, Axes{}, false); }
Tensor sum(const Tensor& x, std::int64_t axis, bool keepdim) { return sum(x, Axes{axis}, keepdim); }

// ---- mean = sum / count --------------------------------------------------------------------------------

Tensor mean(const Tensor& x, const Axes& axes, bool keepdim) {
  const std::int64_t n = reduced_count(x.shape(), reduced_mask(axes, x.dim(), "mean"));
  if (n == 0) fail<ValueError>("mean: the mean of zero elements (shape ", x.shape(), ") is undefined");
  return div(sum(x, axes, keepdim), static_cast<double>(n));
}
Tensor mean(const Tensor& x) { return mean(x, Axes{}, false); }
Tensor mean(const Tensor& x, std::int64_t axis, bool keepdim) { return mean(x, Axes{axis}, keepdim); }

// ---- var = Σ(x - mean)² / (n - correction) ------------------------------------------------------------

Tensor var(const Tensor& x, const Axes& axes, bool keepdim, std::int64_t correction) {
  const std::int64_t n = reduced_count(x.shape(), reduced_mask(axes, x.dim(), "var"));
  if (n - correction <= 0)
    fail<ValueError>("var: ", n, " element", n == 1 ? "" : "s", " with correction ", correction,
                     " leave no degrees of freedom (need more than ", correction, ")");
  const Tensor centred = sub(x, mean(x, axes, true));
  return div(sum(mul(centred, centred), axes, keepdim), static_cast<double>(n - correction));
}
Tensor var(const Tensor& x, std::int64_t axis, bool keepdim, std::int64_t correction) {
  return var(x, Axes{axis}, keepdim, correction);
}

// ---- max along an axis ------------------------------------------------------------------------------------

namespace {

/// Values and first arg-max positions along `axis` of x viewed as [outer, n, inner].
struct MaxResult {
  Tensor values;
  Tensor indices;
};

MaxResult max_along(const Tensor& x, std::int64_t axis, bool keepdim, const char* op) {
  const std::int64_t ax = normalize_axis(axis, x.dim(), op);
  if (x.dim() > 0 && x.size(ax) == 0)
    fail<ValueError>(op, ": axis ", axis, " of shape ", x.shape(), " is empty");
  std::vector<bool> mask(static_cast<std::size_t>(x.dim()), false);
  if (x.dim() > 0) mask[static_cast<std::size_t>(ax)] = true;
  const Shape out_shape = reduced_shape(x.shape(), mask, keepdim);
  const Tensor xc = x.contiguous();
  std::int64_t outer = 1, inner = 1;
  const std::int64_t n = x.dim() > 0 ? x.size(ax) : 1;
  for (std::int64_t i = 0; i < ax; ++i) outer *= x.size(i);
  for (std::int64_t i = ax + 1; i < x.dim(); ++i) inner *= x.size(i);
  MaxResult r{empty(out_shape, {.dtype = x.dtype()}), empty(out_shape, {.dtype = kInt64})};
  dispatch_float(x.dtype(), op, [&]<class T>() {
    const T* p = xc.data<T>();
    T* v = r.values.data<T>();
    std::int64_t* idx = r.indices.data<std::int64_t>();
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t i = 0; i < inner; ++i) {
        const T* row = p + o * n * inner + i;
        std::int64_t best = 0;
        for (std::int64_t k = 1; k < n; ++k)
          if (row[k * inner] > row[best * inner]) best = k;
        v[o * inner + i] = row[best * inner];
        idx[o * inner + i] = best;
      }
  });
  return r;
}

}  // namespace

struct MaxAlong final : Node {
  SavedTensor indices{this};
  std::int64_t axis = 0;
  bool keepdim = false;
  const char* name() const override { return "max"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor max(const Tensor& x, std::int64_t axis, bool keepdim) {
  MaxResult r = max_along(x, axis, keepdim, "max");
  if (auto node = record<MaxAlong>(r.values, {x})) {
    node->indices.save(r.indices);
    node->axis = x.dim() > 0 ? normalize_axis(axis, x.dim(), "max") : 0;
    node->keepdim = keepdim;
  }
  return r.values;
}

std::vector<Tensor> MaxAlong::backward(const Tensor& dout) {
  // Only the winning element of each reduced row moved the output: it gets the whole gradient,
  // the others get zero.
  const Shape& in_shape = input_shapes[0];
  Tensor idx = indices.get(), g = dout;
  if (!keepdim && !in_shape.empty()) {
    idx = idx.unsqueeze(axis);
    g = g.unsqueeze(axis);
  }
  Tensor dx = zeros(in_shape, {.dtype = dout.dtype()});
  if (in_shape.empty()) return {g.clone()};
  dispatch_float(dout.dtype(), "max", [&]<class T>() {
    const Tensor gc = g.contiguous(), ic = idx.contiguous();
    const T* pg = gc.data<T>();
    const std::int64_t* pi = ic.data<std::int64_t>();
    T* pd = dx.data<T>();
    std::int64_t outer = 1, inner = 1;
    for (std::int64_t i = 0; i < axis; ++i) outer *= in_shape[i];
    for (std::int64_t i = axis + 1; i < in_shape.size(); ++i) inner *= in_shape[i];
    const std::int64_t n = in_shape[axis];
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t i = 0; i < inner; ++i)
        pd[(o * n + pi[o * inner + i]) * inner + i] = pg[o * inner + i];
  });
  return {dx};
}

Tensor max(const Tensor& x) {
  if (x.numel() == 0)
    fail<ValueError>("max: the maximum of an empty tensor (shape ", x.shape(), ") is undefined");
  return max(x.reshape({x.numel()}), 0, false);
}

Tensor argmax(const Tensor& x, std::int64_t axis, bool keepdim) {
  return max_along(x, axis, keepdim, "argmax").indices;
}

// ---- sum_to: the reverse of broadcasting ----------------------------------------------------------------

// [doc:sum-to]
Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  const std::int64_t lead = x.dim() - shape.size();
  if (lead < 0 || !broadcasts_to(shape, x.shape()))
    fail<ShapeError>("sum_to: shape ", shape, " does not broadcast to ", x.shape());
  Axes axes;
  for (std::int64_t i = 0; i < x.dim(); ++i)
    if (i < lead || (shape[i - lead] == 1 && x.size(i) != 1)) axes.push_back(i);
  return sum(x, axes, true).reshape(shape);
}
// [doc:end]

}  // namespace sf
