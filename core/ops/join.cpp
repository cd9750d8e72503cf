// join.cpp: concat (with its backward), and stack, split and chunk built from views and concat.
#include "core/ops/join.hpp"

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/ops/copy.hpp"

namespace sf {

// ---- concat -------------------------------------------------------------------------------------------

struct Concat final : Node {
  std::int64_t axis = 0;
  std::vector<std::int64_t> sizes;  // each input's size along axis
  const char* name() const override { return "concat"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor concat(const std::vector<Tensor>& tensors, std::int64_t axis) {
  if (tensors.empty()) fail<ValueError>("concat: needs at least one tensor");
  const Tensor& first = tensors[0];
  if (first.dim() == 0) fail<ShapeError>("concat: cannot concatenate 0-dimensional tensors (use stack)");
  const std::int64_t ax = normalize_axis(axis, first.dim(), "concat");
  Shape out_shape = first.shape();
  out_shape[ax] = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (t.dtype() != first.dtype())
      fail<TypeError>("concat: tensor ", i, " is ", dtype_name(t.dtype()), " but tensor 0 is ",
                      dtype_name(first.dtype()));
    bool same = t.dim() == first.dim();
    for (std::int64_t d = 0; same && d < t.dim(); ++d) same = d == ax || t.size(d) == first.size(d);
    if (!same)
      fail<ShapeError>("concat: tensor ", i, " has shape ", t.shape(), " but tensor 0 has shape ",
                       first.shape(), "; all sizes except along axis ", ax, " must match");
    out_shape[ax] += t.size(ax);
  }
  Tensor out = empty(out_shape, {.dtype = first.dtype()});
  std::int64_t at = 0;
  for (const Tensor& t : tensors) {
    detail::copy_into(out.narrow(ax, at, t.size(ax)), t);
    at += t.size(ax);
  }
  if (auto node = record<Concat>(out, tensors)) {
    node->axis = ax;
    for (const Tensor& t : tensors) node->sizes.push_back(t.size(ax));
  }
  return out;
}

std::vector<Tensor> Concat::backward(const Tensor& dout) {
  // Each input receives the slice of the gradient at the place it was copied to.
  std::vector<Tensor> grads;
  std::int64_t at = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    grads.push_back(needs_grad(i) ? dout.narrow(axis, at, sizes[i]) : Tensor());
    at += sizes[i];
  }
  return grads;
}

// ---- stack, split, chunk --------------------------------------------------------------------------------

Tensor stack(const std::vector<Tensor>& tensors, std::int64_t axis) {
  if (tensors.empty()) fail<ValueError>("stack: needs at least one tensor");
  const std::int64_t ax = normalize_axis(axis, tensors[0].dim() + 1, "stack");
  std::vector<Tensor> parts;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (!(tensors[i].shape() == tensors[0].shape()))
      fail<ShapeError>("stack: tensor ", i, " has shape ", tensors[i].shape(), " but tensor 0 has shape ",
                       tensors[0].shape(), "; stacked tensors must have the same shape");
    parts.push_back(tensors[i].unsqueeze(ax));
  }
  return concat(parts, ax);
}

std::vector<Tensor> split(const Tensor& x, const std::vector<std::int64_t>& sizes, std::int64_t axis) {
  const std::int64_t ax = normalize_axis(axis, x.dim(), "split");
  std::int64_t total = 0;
  for (std::int64_t s : sizes) {
    if (s < 0) fail<ValueError>("split: sizes must be non-negative, got ", s);
    total += s;
  }
  if (total != x.size(ax))
    fail<ShapeError>("split: sizes add up to ", total, " but axis ", axis, " of shape ", x.shape(),
                     " has size ", x.size(ax));
  std::vector<Tensor> parts;
  std::int64_t at = 0;
  for (std::int64_t s : sizes) {
    parts.push_back(x.narrow(ax, at, s));
    at += s;
  }
  return parts;
}

std::vector<Tensor> chunk(const Tensor& x, std::int64_t chunks, std::int64_t axis) {
  const std::int64_t ax = normalize_axis(axis, x.dim(), "chunk");
  if (chunks <= 0 || x.size(ax) % chunks != 0)
    fail<ShapeError>("chunk: axis ", axis, " of shape ", x.shape(), " (size ", x.size(ax),
                     ") cannot be cut into ", chunks, " equal chunks");
  return split(x, std::vector<std::int64_t>(static_cast<std::size_t>(chunks), x.size(ax) / chunks), ax);
}

}  // namespace sf
