// view.cpp: the view methods of Tensor (view, reshape, transpose, permute, narrow, slice, select,
// squeeze, unsqueeze, expand, flatten), each with its backward.
//
// A view is a new TensorImpl on the SAME Storage with a different shape, strides and offset:
// nothing is copied, and writing through a view changes the original. Their backward passes only
// move the gradient back into the input's shape (reshape it, transpose it back, or place it into
// a zero tensor at the sliced positions).
#include <optional>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/ops/reduce.hpp"

namespace sf {
namespace {

Tensor make_view(const Tensor& x, const Shape& shape, const Strides& strides, std::int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = x.storage();
  impl->shape = shape;
  impl->strides = strides;
  impl->offset = offset;
  impl->dtype = x.dtype();
  return Tensor(std::move(impl));
}

/// Replaces a single -1 in `shape` by the size that keeps numel; checks the element count.
Shape infer_shape(const Shape& shape, std::int64_t count, const char* op, const Shape& from) {
  Shape out = shape;
  std::int64_t infer_at = -1;
  for (std::int64_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (infer_at >= 0) fail<ShapeError>(op, ": shape ", shape, " has more than one -1");
      infer_at = i;
    } else if (out[i] < 0) {
      fail<ShapeError>(op, ": shape ", shape, " has a negative size");
    }
  }
  Shape sizes = out;  // the sizes given, with the -1 counted as 1: within the limit, so `known` fits
  if (infer_at >= 0) sizes[infer_at] = 1;
  const std::int64_t known = check_shape(sizes, op);
  if (infer_at >= 0) {
    if (known == 0 || count % known != 0)
      fail<ShapeError>(op, ": cannot give a tensor of shape ", from, " (", count, " elements) the shape ",
                       shape);
    out[infer_at] = count / known;
  } else if (known != count) {
    fail<ShapeError>(op, ": cannot give a tensor of shape ", from, " (", count, " elements) the shape ",
                     shape, " (", known, " elements)");
  }
  return out;
}

// [doc:view-strides]
/// Strides that show memory laid out as (shape, strides) under `new_shape`, if any exist.
/// Old dimensions are grouped into chunks that sit back to back in memory (stride[i] ==
/// stride[i+1]·size[i+1]); a chunk can be re-split into new dimensions freely, but a new dimension
/// may not straddle two chunks. Same rule as PyTorch's view().
std::optional<Strides> view_strides(const Shape& shape, const Strides& strides, const Shape& new_shape) {
  if (numel(shape) == 0 || shape.empty()) return contiguous_strides(new_shape);
  Strides out = Dims::filled(new_shape.size(), 1);
  std::int64_t view_d = new_shape.size() - 1;
  std::int64_t chunk_stride = strides.back();  // stride of the innermost dimension of the chunk
  std::int64_t chunk_numel = 1, view_numel = 1;
  for (std::int64_t d = shape.size() - 1; d >= 0; --d) {
    chunk_numel *= shape[d];
    const bool chunk_ends = d == 0 || (shape[d - 1] != 1 && strides[d - 1] != chunk_numel * chunk_stride);
    if (!chunk_ends) continue;
    // Give the new dimensions that fit into this chunk their strides, innermost first.
    while (view_d >= 0 && (view_numel < chunk_numel || new_shape[view_d] == 1)) {
      out[view_d] = view_numel * chunk_stride;
      view_numel *= new_shape[view_d];
      --view_d;
    }
    if (view_numel != chunk_numel) return std::nullopt;  // a new dimension straddles two chunks
    if (d > 0) {
      chunk_stride = strides[d - 1];
      chunk_numel = 1;
      view_numel = 1;
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}
// [doc:end]

}  // namespace

// ---- view / reshape / squeeze / unsqueeze / flatten: same elements, new shape ---------------------

struct Reshape final : Node {
  const char* name() const override { return "reshape"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor Tensor::view(const Shape& shape_in) const {
  const Shape new_shape = infer_shape(shape_in, numel(), "view", shape());
  const auto new_strides = view_strides(shape(), strides(), new_shape);
  if (!new_strides)
    fail<ShapeError>("view: cannot view a tensor of shape ", shape(), " with strides ", strides(), " as ",
                     new_shape,
                     ": a new dimension would span memory that is not contiguous (this tensor is a "
                     "transposed or sliced view). Call .contiguous() first, or use .reshape(), which copies");
  Tensor out = make_view(*this, new_shape, *new_strides, offset());
  record<Reshape>(out, {*this});
  return out;
}

Tensor Tensor::reshape(const Shape& shape_in) const {
  const Shape new_shape = infer_shape(shape_in, numel(), "reshape", shape());
  if (view_strides(shape(), strides(), new_shape)) return view(new_shape);
  return contiguous().view(new_shape);
}

std::vector<Tensor> Reshape::backward(const Tensor& dout) { return {dout.reshape(input_shapes[0])}; }

Tensor Tensor::squeeze(std::int64_t axis) const {
  const std::int64_t ax = normalize_axis(axis, dim(), "squeeze");
  if (dim() == 0) return view(shape());
  if (size(ax) != 1)
    fail<ShapeError>("squeeze: axis ", axis, " of shape ", shape(), " has size ", size(ax), ", not 1");
  Shape s = shape();
  s.erase(ax);
  return view(s);
}

Tensor Tensor::unsqueeze(std::int64_t axis) const {
  const std::int64_t ax = normalize_axis(axis, dim() + 1, "unsqueeze");
  Shape s = shape();
  s.insert(ax, 1);
  return view(s);
}

Tensor Tensor::flatten(std::int64_t start, std::int64_t end) const {
  if (dim() == 0) return reshape({1});
  const std::int64_t s = normalize_axis(start, dim(), "flatten"), e = normalize_axis(end, dim(), "flatten");
  if (s > e) fail<IndexError>("flatten: start axis ", start, " comes after end axis ", end);
  Shape out;
  for (std::int64_t i = 0; i < s; ++i) out.push_back(size(i));
  std::int64_t merged = 1;
  for (std::int64_t i = s; i <= e; ++i) merged *= size(i);
  out.push_back(merged);
  for (std::int64_t i = e + 1; i < dim(); ++i) out.push_back(size(i));
  return reshape(out);
}

// ---- transpose / permute: reorder the axes -------------------------------------------------------------

struct Permute final : Node {
  Shape inverse;                  // the order that undoes the permutation
  const char* label = "permute";  // "transpose" when called through transpose()
  const char* name() const override { return label; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

namespace {
Tensor permute_impl(const Tensor& x, const Shape& order, const char* label);
}

Tensor Tensor::permute(const Shape& order) const { return permute_impl(*this, order, "permute"); }

namespace {
Tensor permute_impl(const Tensor& x, const Shape& order, const char* label) {
  const std::int64_t dim = x.dim();
  if (order.size() != dim)
    fail<ShapeError>("permute: order ", order, " has ", order.size(), " axes but the tensor has ", dim);
  Shape s, st, inverse = Dims::filled(dim, -1);
  for (std::int64_t i = 0; i < dim; ++i) {
    const std::int64_t a = normalize_axis(order[i], dim, "permute");
    if (inverse[a] != -1) fail<ShapeError>("permute: order ", order, " is not a permutation of 0..", dim - 1);
    inverse[a] = i;
    s.push_back(x.size(a));
    st.push_back(x.strides()[a]);
  }
  Tensor out = make_view(x, s, st, x.offset());
  if (auto node = record<Permute>(out, {x})) {
    node->inverse = inverse;
    node->label = label;
  }
  return out;
}
}  // namespace

std::vector<Tensor> Permute::backward(const Tensor& dout) { return {dout.permute(inverse)}; }

Tensor Tensor::transpose(std::int64_t axis0, std::int64_t axis1) const {
  const std::int64_t a = normalize_axis(axis0, dim(), "transpose"),
                     b = normalize_axis(axis1, dim(), "transpose");
  Shape order;
  for (std::int64_t i = 0; i < dim(); ++i) order.push_back(i);
  if (dim() > 0) std::swap(order[a], order[b]);
  return permute_impl(*this, order, "transpose");
}

// ---- slice / narrow / select: a sub-block of one axis ----------------------------------------------------

struct Slice final : Node {
  std::int64_t axis = 0, start = 0, end = 0, step = 1;
  const char* name() const override { return "slice"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
  bool backward_into(const Tensor& dout, Tensor& sum) override;
  bool returns_fresh_gradients() const override { return true; }
};

Tensor Tensor::slice(std::int64_t axis, std::int64_t start, std::int64_t end, std::int64_t step) const {
  const std::int64_t ax = normalize_axis(axis, dim(), "slice");
  if (dim() == 0) fail<IndexError>("slice: cannot slice a 0-dimensional tensor");
  if (step <= 0) fail<ValueError>("slice: step must be positive, got ", step);
  const std::int64_t n = size(ax);
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0 || start > n || end < start || end > n)
    fail<IndexError>("slice: range [", start, ", ", end, ") is out of bounds for axis ", axis, " of shape ",
                     shape());
  Shape s = shape();
  Strides st = strides();
  s[ax] = end == start ? 0 : (end - start - 1) / step + 1;    // (no overflow for a huge step)
  st[ax] = s[ax] > 1 ? strides()[ax] * step : strides()[ax];  // then step < size: the stride fits
  Tensor out = make_view(*this, s, st, offset() + start * strides()[ax]);
  if (auto node = record<Slice>(out, {*this})) {
    node->axis = ax;
    node->start = start;
    node->end = end;
    node->step = step;
  }
  return out;
}

std::vector<Tensor> Slice::backward(const Tensor& dout) {
  // The sliced elements receive dout; every other input element had no effect and gets zero.
  Tensor dx = zeros(input_shapes[0], {.dtype = dout.dtype()});
  dx.slice(axis, start, end, step).copy_(dout);
  return {dx};
}

bool Slice::backward_into(const Tensor& dout, Tensor& sum) {
  Tensor region = sum.slice(axis, start, end, step);  // only the sliced elements receive anything
  region.add_(dout);
  return true;
}

Tensor Tensor::narrow(std::int64_t axis, std::int64_t start, std::int64_t length) const {
  const std::int64_t ax = normalize_axis(axis, dim(), "narrow");
  if (dim() == 0) fail<IndexError>("narrow: cannot narrow a 0-dimensional tensor");
  if (start < 0) start += size(ax);
  if (length < 0 || start < 0 || start > size(ax) || length > size(ax) - start)
    fail<IndexError>("narrow: start ", start, " and length ", length, " do not fit in axis ", axis,
                     " of shape ", shape());
  return slice(ax, start, start + length);
}

Tensor Tensor::select(std::int64_t axis, std::int64_t index) const {
  const std::int64_t ax = normalize_axis(axis, dim(), "select");
  if (dim() == 0) fail<IndexError>("select: cannot index a 0-dimensional tensor");
  const std::int64_t n = size(ax);
  if (index < -n || index >= n)
    fail<IndexError>("select: index ", index, " is out of range for axis ", axis, " of size ", n, " (shape ",
                     shape(), ")");
  if (index < 0) index += n;
  return slice(ax, index, index + 1).squeeze(ax);
}

// ---- expand: repeat size-1 axes without copying (stride 0) ---------------------------------------------

struct Expand final : Node {
  const char* name() const override { return "expand"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor Tensor::expand(const Shape& shape_in) const {
  const std::int64_t lead = shape_in.size() - dim();
  if (lead < 0)
    fail<ShapeError>("expand: cannot expand shape ", shape(), " to ", shape_in,
                     ", which has fewer dimensions");
  Shape s = shape_in;
  Strides st = Dims::filled(s.size(), 0);
  for (std::int64_t i = 0; i < s.size(); ++i) {
    if (i < lead) {
      if (s[i] < 0) fail<ShapeError>("expand: new leading dimension ", i, " of ", shape_in, " cannot be -1");
      continue;  // a new leading axis: stride 0
    }
    const std::int64_t old = size(i - lead);
    if (s[i] == -1) s[i] = old;
    if (s[i] == old) {
      st[i] = strides()[i - lead];
    } else if (old != 1) {
      fail<ShapeError>("expand: cannot expand shape ", shape(), " to ", shape_in, ": dimension ", i - lead,
                       " has size ", old, ", and only size-1 dimensions can be expanded");
    }
  }
  check_shape(s, "expand");  // negative sizes, and more elements than the limit (stride 0 costs no memory)
  Tensor out = make_view(*this, s, st, offset());
  record<Expand>(out, {*this});
  return out;
}

std::vector<Tensor> Expand::backward(const Tensor& dout) {
  // Each input element was repeated along the expanded axes: its gradient is the sum of the copies'.
  return {sum_to(dout, input_shapes[0])};
}

}  // namespace sf
