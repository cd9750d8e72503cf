// index.cpp: masked_fill, where, index_select, embedding and gather, each with its backward.
//
// The backward of a selection is a scatter: each selected element sends its gradient back to
// the place it was read from, and places read several times add up their gradients.
#include "core/ops/index.hpp"

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/kernels/strided_loop.hpp"
#include "core/ops/loops.hpp"
#include "core/ops/reduce.hpp"

namespace sf {
namespace {

void check_index_tensor(const Tensor& index, const char* op) {
  if (index.dtype() != kInt64)
    fail<TypeError>(op, ": indices must be an int64 tensor, got ", dtype_name(index.dtype()));
}

/// `x` viewed as [outer, n, inner] around `axis` (sizes only).
struct Around {
  std::int64_t outer = 1, n = 1, inner = 1;
};
Around around(const Shape& s, std::int64_t axis) {
  Around a;
  for (std::int64_t i = 0; i < axis; ++i) a.outer *= s[i];
  a.n = s[axis];
  for (std::int64_t i = axis + 1; i < s.size(); ++i) a.inner *= s[i];
  return a;
}

}  // namespace

// ---- masked_fill: out = mask ? value : x --------------------------------------------------------------

struct MaskedFill final : Node {
  SavedTensor mask{this};
  const char* name() const override { return "masked_fill"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
  if (mask.dtype() != kBool)
    fail<TypeError>("masked_fill: the mask must be a bool tensor, got ", dtype_name(mask.dtype()));
  if (!broadcasts_to(mask.shape(), x.shape()))
    fail<ShapeError>("masked_fill: mask of shape ", mask.shape(), " does not broadcast to the input's shape ",
                     x.shape());
  Tensor out = dispatch_float(x.dtype(), "masked_fill", [&]<class T>() {
    const T v = static_cast<T>(value);
    return detail::map_binary<T, T, bool>(x, mask, x.shape(), [v](T a, bool m) { return m ? v : a; });
  });
  if (auto node = record<MaskedFill>(out, {x})) node->mask.save(mask);
  return out;
}

std::vector<Tensor> MaskedFill::backward(const Tensor& dout) {
  // Masked positions were replaced by a constant: no gradient reaches x there.
  return {masked_fill(dout, mask.get(), 0.0)};
}

// ---- where: out = cond ? a : b --------------------------------------------------------------------------

struct Where final : Node {
  SavedTensor cond{this};
  const char* name() const override { return "where"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  if (cond.dtype() != kBool)
    fail<TypeError>("where: the condition must be a bool tensor, got ", dtype_name(cond.dtype()));
  if (a.dtype() != b.dtype())
    fail<TypeError>("where: dtypes differ: ", dtype_name(a.dtype()), " and ", dtype_name(b.dtype()));
  const Shape shape =
      broadcast_shapes(cond.shape(), broadcast_shapes(a.shape(), b.shape(), "where"), "where");
  Tensor out = dispatch_float(a.dtype(), "where", [&]<class T>() {
    Tensor r = empty(shape, {.dtype = a.dtype()});
    T* po = r.data<T>();
    const bool* pc = cond.data<bool>();
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    kernels::for_each_row<4>(
        shape,
        {contiguous_strides(shape), detail::broadcast_strides(cond, shape),
         detail::broadcast_strides(a, shape), detail::broadcast_strides(b, shape)},
        [&](std::int64_t n, const kernels::Offsets<4>& at, const kernels::Offsets<4>& st) {
          for (std::int64_t i = 0; i < n; ++i)
            po[at[0] + i * st[0]] = pc[at[1] + i * st[1]] ? pa[at[2] + i * st[2]] : pb[at[3] + i * st[3]];
        });
    return r;
  });
  if (auto node = record<Where>(out, {a, b})) node->cond.save(cond);
  return out;
}

std::vector<Tensor> Where::backward(const Tensor& dout) {
  // Each output element came from a (where cond) or b (elsewhere): route dout accordingly.
  const Tensor c = cond.get(), zero = scalar_tensor(0.0, {.dtype = dout.dtype()});
  return {needs_grad(0) ? sum_to(where(c, dout, zero), input_shapes[0]) : Tensor(),
          needs_grad(1) ? sum_to(where(c, zero, dout), input_shapes[1]) : Tensor()};
}

// ---- index_select
// ------------------------------------------------------------------------------------------

struct IndexSelect final : Node {
  SavedTensor index{this};
  std::int64_t axis = 0;
  const char* name() const override { return "index_select"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor index_select(const Tensor& x, std::int64_t axis, const Tensor& index) {
  check_index_tensor(index, "index_select");
  if (index.dim() != 1) fail<ShapeError>("index_select: the index must be 1-D, got shape ", index.shape());
  if (x.dim() == 0) fail<IndexError>("index_select: cannot index a 0-dimensional tensor");
  const std::int64_t ax = normalize_axis(axis, x.dim(), "index_select");
  const Around a = around(x.shape(), ax);
  const std::vector<std::int64_t> idx = index.to_vector<std::int64_t>();
  for (std::int64_t i : idx)
    if (i < 0 || i >= a.n)
      fail<IndexError>("index_select: index ", i, " is out of range for axis ", axis, " of size ", a.n,
                       " (shape ", x.shape(), ")");
  Shape out_shape = x.shape();
  out_shape[ax] = static_cast<std::int64_t>(idx.size());
  const Tensor xc = x.contiguous();
  Tensor out = empty(out_shape, {.dtype = x.dtype()});
  dispatch_all(x.dtype(), [&]<class T>() {  // any dtype: masks and ids are selected too (beam search)
    const T* px = xc.data<T>();
    T* po = out.data<T>();
    const auto k = static_cast<std::int64_t>(idx.size());
    for (std::int64_t o = 0; o < a.outer; ++o)
      for (std::int64_t j = 0; j < k; ++j)
        for (std::int64_t i = 0; i < a.inner; ++i)
          po[(o * k + j) * a.inner + i] = px[(o * a.n + idx[static_cast<std::size_t>(j)]) * a.inner + i];
  });
  if (auto node = record<IndexSelect>(out, {x})) {
    node->index.save(index);
    node->axis = ax;
  }
  return out;
}

std::vector<Tensor> IndexSelect::backward(const Tensor& dout) {
  const Shape& in_shape = input_shapes[0];
  const Around a = around(in_shape, axis);
  const std::vector<std::int64_t> idx = index.get().to_vector<std::int64_t>();
  const auto k = static_cast<std::int64_t>(idx.size());
  Tensor dx = zeros(in_shape, {.dtype = dout.dtype()});
  const Tensor g = dout.contiguous();
  dispatch_float(dout.dtype(), "index_select", [&]<class T>() {
    T* pd = dx.data<T>();
    const T* pg = g.data<T>();
    for (std::int64_t o = 0; o < a.outer; ++o)
      for (std::int64_t j = 0; j < k; ++j)
        for (std::int64_t i = 0; i < a.inner; ++i)
          pd[(o * a.n + idx[static_cast<std::size_t>(j)]) * a.inner + i] += pg[(o * k + j) * a.inner + i];
  });
  return {dx};
}

// ---- embedding: rows of a weight table ------------------------------------------------------------------

struct Embedding final : Node {
  SavedTensor ids{this};
  std::int64_t padding_idx = -1;
  const char* name() const override { return "embedding"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor embedding(const Tensor& weight, const Tensor& ids, std::int64_t padding_idx) {
  check_index_tensor(ids, "embedding");
  if (weight.dim() != 2)
    fail<ShapeError>("embedding: the weight must be 2-D [vocabulary, dim], got shape ", weight.shape());
  const std::int64_t V = weight.size(0), D = weight.size(1);
  const std::vector<std::int64_t> id = ids.to_vector<std::int64_t>();
  for (std::int64_t t : id)
    if (t < 0 || t >= V)
      fail<IndexError>("embedding: token id ", t, " is out of range for a table of ", V, " rows (shape ",
                       weight.shape(), ")");
  Shape out_shape = ids.shape();
  out_shape.push_back(D);
  const Tensor wc = weight.contiguous();
  Tensor out = empty(out_shape, {.dtype = weight.dtype()});
  dispatch_float(weight.dtype(), "embedding", [&]<class T>() {
    const T* pw = wc.data<T>();
    T* po = out.data<T>();
    for (std::size_t r = 0; r < id.size(); ++r)
      for (std::int64_t d = 0; d < D; ++d) po[static_cast<std::int64_t>(r) * D + d] = pw[id[r] * D + d];
  });
  if (auto node = record<Embedding>(out, {weight})) {
    node->ids.save(ids);
    node->padding_idx = padding_idx;
  }
  return out;
}

// [doc:embedding-backward]
std::vector<Tensor> Embedding::backward(const Tensor& dout) {
  // dweight[v] = Σ over positions holding token v of dout[position]; the padding row gets nothing.
  const std::vector<std::int64_t> id = ids.get().to_vector<std::int64_t>();
  const Shape& w_shape = input_shapes[0];
  const std::int64_t D = w_shape[1];
  Tensor dw = zeros(w_shape, {.dtype = dout.dtype()});
  const Tensor g = dout.contiguous();
  dispatch_float(dout.dtype(), "embedding", [&]<class T>() {
    T* pd = dw.data<T>();
    const T* pg = g.data<T>();
    for (std::size_t r = 0; r < id.size(); ++r) {
      if (id[r] == padding_idx) continue;
      for (std::int64_t d = 0; d < D; ++d) pd[id[r] * D + d] += pg[static_cast<std::int64_t>(r) * D + d];
    }
  });
  return {dw};
}
// [doc:end]

// ---- gather
// -------------------------------------------------------------------------------------------------

namespace {

/// Calls f(position in index, position in x) for every element of index (row-major), where the
/// x position uses index's value along `axis` and index's own coordinates elsewhere.
template <class F>
void for_each_gathered(const Tensor& x, std::int64_t axis, const Tensor& index, F f) {
  const Tensor ic = index.contiguous();
  const std::int64_t* pi = ic.data<std::int64_t>();
  const Shape& s = index.shape();
  const std::int64_t n = index.numel(), nd = s.size();
  Shape coord = Dims::filled(nd, 0);
  for (std::int64_t e = 0; e < n; ++e) {
    const std::int64_t v = pi[e];
    if (v < 0 || v >= x.size(axis))
      fail<IndexError>("gather: index ", v, " is out of range for axis ", axis, " of size ", x.size(axis),
                       " (shape ", x.shape(), ")");
    std::int64_t src = 0;
    for (std::int64_t d = 0; d < nd; ++d) src += (d == axis ? v : coord[d]) * x.strides()[d];
    f(e, src);
    for (std::int64_t d = nd - 1; d >= 0; --d) {  // odometer over index's coordinates
      if (++coord[d] < s[d]) break;
      coord[d] = 0;
    }
  }
}

}  // namespace

struct Gather final : Node {
  SavedTensor index{this};
  std::int64_t axis = 0;
  const char* name() const override { return "gather"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor gather(const Tensor& x, std::int64_t axis, const Tensor& index) {
  check_index_tensor(index, "gather");
  const std::int64_t ax = normalize_axis(axis, x.dim(), "gather");
  if (index.dim() != x.dim())
    fail<ShapeError>("gather: the index has shape ", index.shape(), " but the input has shape ", x.shape(),
                     "; they need the same number of dimensions");
  for (std::int64_t d = 0; d < x.dim(); ++d)
    if (d != ax && index.size(d) > x.size(d))
      fail<ShapeError>("gather: index of shape ", index.shape(), " is larger than the input's shape ",
                       x.shape(), " at dimension ", d, " (only the gathered axis ", ax, " may differ)");
  Tensor out = empty(index.shape(), {.dtype = x.dtype()});
  dispatch_float(x.dtype(), "gather", [&]<class T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for_each_gathered(x, ax, index, [&](std::int64_t e, std::int64_t src) { po[e] = px[src]; });
  });
  if (auto node = record<Gather>(out, {x})) {
    node->index.save(index);
    node->axis = ax;
  }
  return out;
}

std::vector<Tensor> Gather::backward(const Tensor& dout) {
  // Scatter-add: each gathered element sends its gradient back to where it was read.
  Tensor dx = zeros(input_shapes[0], {.dtype = dout.dtype()});
  const Tensor g = dout.contiguous();
  dispatch_float(dout.dtype(), "gather", [&]<class T>() {
    T* pd = dx.data<T>();
    const T* pg = g.data<T>();
    for_each_gathered(dx, axis, index.get(), [&](std::int64_t e, std::int64_t dst) { pd[dst] += pg[e]; });
  });
  return {dx};
}

}  // namespace sf
