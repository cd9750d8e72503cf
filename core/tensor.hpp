// tensor.hpp: Tensor, the handle every part of scratchformer passes around.
//
// A Tensor is a cheap shared handle: copying one (`Tensor b = a;`) makes a second name for the same
// tensor, like a Python variable. `clone()` copies the data; `detach()` makes a new handle on the
// same memory that is cut off from the autograd graph. Views (view, transpose, narrow, expand, ...)
// are new tensors that share their input's Storage with other strides: nothing is copied until
// `contiguous()` has to.
//
// What lives where:
//   core/tensor.cpp       creation (zeros, arange, randn, ...), element access, in-place ops
//   core/ops/copy.cpp     copies: contiguous(), clone(), to(dtype), each with its backward
//   core/ops/view.cpp     the view methods declared below, each with its backward
//   core/ops/*.hpp        the math (add, exp, sum, softmax, matmul, ...) as free functions
//   core/autograd.hpp     Node, the graph, backward()
//   core/print.cpp        printing like PyTorch
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "core/dtype.hpp"
#include "core/random.hpp"
#include "core/shape.hpp"
#include "core/storage.hpp"

namespace sf {

class Node;
struct TensorImpl;

/// Options for creating a tensor: zeros({2, 3}, {.dtype = kFloat64, .requires_grad = true}).
struct TensorOptions {
  DType dtype = kFloat32;
  bool requires_grad = false;
};

class Tensor {
 public:
  /// An undefined tensor (no data): the "None" of gradients that were never computed.
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}
  bool defined() const { return impl_ != nullptr; }

  // ---- shape and layout ---------------------------------------------------------------------
  const Shape& shape() const;
  std::int64_t dim() const;
  /// Size of one axis; negative axes count from the end (size(-1) is the last).
  std::int64_t size(std::int64_t axis) const;
  const Strides& strides() const;
  std::int64_t offset() const;
  std::int64_t numel() const;
  DType dtype() const;
  bool is_contiguous() const;

  // ---- data -----------------------------------------------------------------------------------
  /// Pointer to element (0, 0, ...) of this view. T must match the dtype (TypeError otherwise).
  template <class T>
  T* data() const;
  /// The value of a one-element tensor, as a double.
  double item() const;
  /// All elements in row-major order, converted to T (handy in tests and examples).
  template <class T = double>
  std::vector<T> to_vector() const;
  const std::shared_ptr<Storage>& storage() const;

  // ---- autograd (core/autograd.cpp) -------------------------------------------------------------
  bool requires_grad() const;
  /// Marks a leaf tensor as a parameter whose gradient backward() should compute.
  Tensor& requires_grad_(bool on = true);
  /// True for tensors not produced by a recorded op (parameters, inputs, detached results).
  bool is_leaf() const;
  /// The accumulated gradient (undefined until a backward pass reaches this tensor).
  Tensor grad() const;
  void set_grad(const Tensor& grad) const;
  /// The node that produced this tensor (null for leaves).
  const std::shared_ptr<Node>& grad_fn() const;
  /// Backpropagates from this tensor. Without `dout` the tensor must have one element (a loss).
  /// The graph's saved tensors are freed afterwards unless retain_graph is true.
  void backward(const Tensor& dout = {}, bool retain_graph = false) const;
  /// Also keep the gradient of this non-leaf tensor in grad() during backward.
  void retain_grad() const;
  /// A new tensor on the same memory, outside the graph (requires_grad false, no grad_fn).
  Tensor detach() const;
  /// A label used by printing, graph drawings and gradcheck reports.
  Tensor& set_name(std::string name);
  const std::string& name() const;

  // ---- views: no copy, shared storage (core/ops/view.cpp) ---------------------------------------
  /// Same data, new shape; one size may be -1 (inferred). Fails when the strides forbid it.
  Tensor view(const Shape& shape) const;
  /// view() when possible, otherwise a contiguous copy.
  Tensor reshape(const Shape& shape) const;
  /// Swaps two axes: only the strides change.
  Tensor transpose(std::int64_t axis0, std::int64_t axis1) const;
  /// Reorders all axes: permute({0, 2, 1, 3}).
  Tensor permute(const Shape& order) const;
  /// Elements start .. start+length-1 along `axis`.
  Tensor narrow(std::int64_t axis, std::int64_t start, std::int64_t length) const;
  /// Elements start, start+step, ... below end along `axis` (Python's x[start:end:step]).
  Tensor slice(std::int64_t axis, std::int64_t start, std::int64_t end, std::int64_t step = 1) const;
  /// Index `index` of `axis`, with that axis removed: x.select(0, 2) is Python's x[2].
  Tensor select(std::int64_t axis, std::int64_t index) const;
  Tensor operator[](std::int64_t index) const { return select(0, index); }
  /// Removes `axis`, which must have size 1.
  Tensor squeeze(std::int64_t axis) const;
  /// Inserts an axis of size 1 before position `axis`.
  Tensor unsqueeze(std::int64_t axis) const;
  /// Repeats size-1 axes to `shape` with stride 0 (no copy); -1 keeps a size.
  Tensor expand(const Shape& shape) const;
  /// Merges axes start..end into one.
  Tensor flatten(std::int64_t start = 0, std::int64_t end = -1) const;
  /// This tensor if already row-major, otherwise a row-major copy.
  Tensor contiguous() const;

  // ---- copies and conversions ---------------------------------------------------------------------
  /// A contiguous copy of the data (differentiable).
  Tensor clone() const;
  /// The same values as another dtype (differentiable between float32 and float64).
  Tensor to(DType dtype) const;

  // ---- in-place operations (core/tensor.cpp) ----------------------------------------------------------
  // They bump the storage's version counter, so a node that saved this memory for backward notices.
  // They are refused on tensors that require grad while grad mode is on (use NoGradGuard).
  Tensor& fill_(double value);
  Tensor& zero_();
  /// Copies `src` (broadcast to this shape, converted to this dtype) into this tensor's memory.
  Tensor& copy_(const Tensor& src);
  /// this += alpha · other (other broadcast to this shape).
  Tensor& add_(const Tensor& other, double alpha = 1.0);
  Tensor& mul_(double factor);

  /// True when both handles name the same tensor.
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// [doc:tensor-impl]
/// What a Tensor handle points to. Views have their own TensorImpl and share `storage`.
struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Strides strides;
  std::int64_t offset = 0;  // in elements
  DType dtype = kFloat32;

  bool requires_grad = false;
  bool retains_grad = false;
  Tensor grad;
  std::shared_ptr<Node> grad_fn;         // the op that produced this tensor; null for leaves
  std::weak_ptr<Node> grad_accumulator;  // leaves: the node that adds gradients into `grad`
  std::string name;
};
// [doc:end]

// ---- creation (core/tensor.cpp) -----------------------------------------------------------------

/// Uninitialised memory: only for outputs that are written before they are read.
Tensor empty(const Shape& shape, TensorOptions options = {});
Tensor zeros(const Shape& shape, TensorOptions options = {});
Tensor ones(const Shape& shape, TensorOptions options = {});
Tensor full(const Shape& shape, double value, TensorOptions options = {});
/// Same shape and dtype as `like`.
Tensor empty_like(const Tensor& like);
Tensor zeros_like(const Tensor& like);
Tensor ones_like(const Tensor& like);
Tensor full_like(const Tensor& like, double value);
/// 0, 1, ..., end-1 (like Python's range).
Tensor arange(double end, TensorOptions options = {});
/// start, start+step, ... below end.
Tensor arange(double start, double end, double step = 1.0, TensorOptions options = {});
/// A tensor from values in row-major order: tensor({1, 2, 3, 4}, {2, 2}).
Tensor tensor(const std::vector<double>& values, const Shape& shape, TensorOptions options = {});
/// A 1-D tensor: tensor({1, 2, 3}).
Tensor tensor(const std::vector<double>& values, TensorOptions options = {});
/// The n × n identity matrix.
Tensor eye(std::int64_t n, TensorOptions options = {});
/// A 0-dimensional tensor holding one value.
Tensor scalar_tensor(double value, TensorOptions options = {});

/// Uniform in [0, 1), from `gen` (our seeded generator: the same numbers on every machine).
Tensor rand(const Shape& shape, Generator& gen, TensorOptions options = {});
/// Uniform in [low, high).
Tensor uniform(const Shape& shape, double low, double high, Generator& gen, TensorOptions options = {});
/// Standard normal N(0, 1).
Tensor randn(const Shape& shape, Generator& gen, TensorOptions options = {});
/// Normal N(mean, std²).
Tensor normal(const Shape& shape, double mean, double std, Generator& gen, TensorOptions options = {});
/// Integers uniform in [low, high), dtype int64.
Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Generator& gen);

// ---- printing (core/print.cpp) --------------------------------------------------------------------

/// Prints like PyTorch: tensor([[1.0000, 2.0000], ...], shape=[2, 2], dtype=float32, requires_grad=true)
std::ostream& operator<<(std::ostream& os, const Tensor& t);
/// The same text as operator<<, with `precision` digits after the point.
std::string to_string(const Tensor& t, int precision = 4);

}  // namespace sf
