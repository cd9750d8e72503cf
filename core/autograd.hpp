// autograd.hpp: reverse-mode automatic differentiation, define-by-run.
//
// Every differentiable op, when any input requires grad, records a Node: the op's backward
// function, the tensors it saved for it, and one edge per input pointing at the node that produced
// that input (or, for a leaf such as a weight, at the AccumulateGrad node that adds into its
// .grad()). The output tensor points at its Node; the Node points at its inputs' Nodes. So the
// graph owns only the forward direction: output → node → inputs, and a node never owns its output.
//
// backward() walks this graph from the loss in topological order, with an explicit work list
// (no recursion, so a graph thousands of ops deep is fine), sums the gradients that reach a tensor
// along several paths, and frees every node's saved tensors afterwards (unless retain_graph).
//
// An op is written as (see Mul in core/ops/arithmetic.cpp):
//
//   struct Mul final : Node {                    // saved state, as named fields
//     SavedTensor a{this}, b{this};
//     const char* name() const override { return "mul"; }
//     std::vector<Tensor> backward(const Tensor& dout) override;
//   };
//   Tensor mul(const Tensor& a, const Tensor& b) {          // forward
//     Tensor out = ...;
//     if (auto node = record<Mul>(out, {a, b})) { node->a.save(a); node->b.save(b); }
//     return out;
//   }
//   std::vector<Tensor> Mul::backward(const Tensor& dout) { ... }   // backward, right below
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <vector>

#include "core/tensor.hpp"

namespace sf {

class SavedTensor;

/// One recorded op in the graph.
class Node {
 public:
  /// Destroys the graph below this node iteratively: a chain of 100,000 ops would otherwise
  /// recurse once per node through shared_ptr destructors and overflow the stack.
  virtual ~Node();
  /// The op's name, used in error messages, gradcheck reports and graph drawings ("matmul").
  virtual const char* name() const = 0;
  /// Given dL/d(output), returns dL/d(input i) for every input, in order. An entry may be undefined
  /// when next[i] is null (that input needs no gradient). Runs with grad mode off.
  virtual std::vector<Tensor> backward(const Tensor& dout) = 0;
  /// Optional, for one-input ops whose gradient is zero outside a region of the input (slice,
  /// narrow, chunk): add dL/d(input) straight into `sum`, the gradient the input has collected so far
  /// (a tensor the engine owns), and return true. The three slices q, k, v of a packed projection
  /// then fill one gradient instead of making three full-size ones to add up.
  virtual bool backward_into(const Tensor& /*dout*/, Tensor& /*sum*/) { return false; }
  /// Whether backward always returns newly allocated gradients that nothing else refers to.
  virtual bool returns_fresh_gradients() const { return false; }

  /// Whether input i wants a gradient (so backward can skip work).
  bool needs_grad(std::size_t i) const { return i < next.size() && next[i] != nullptr; }

  /// Per input: the node that receives its gradient, or null when it needs none.
  std::vector<std::shared_ptr<Node>> next;
  /// Per input: its shape and dtype, to check what backward returns and to reduce broadcasts.
  std::vector<Shape> input_shapes;
  std::vector<DType> input_dtypes;
  /// The output's shape (for drawings) and a non-owning link to it (for retain_grad and drawings).
  Shape out_shape;
  std::weak_ptr<TensorImpl> output;

  /// Drops every saved tensor (called by backward unless retain_graph).
  void release_saved();

 private:
  friend class SavedTensor;
  std::vector<SavedTensor*> saved_;
};

/// A tensor a node keeps for its backward pass. Declared as a field with the node as owner:
/// `SavedTensor x{this};`. It stores a graph-free alias (no reference cycle through the output)
/// and the storage's version, so an in-place change made after saving is caught at backward time.
class SavedTensor {
 public:
  explicit SavedTensor(Node* owner);
  SavedTensor(const SavedTensor&) = delete;
  SavedTensor& operator=(const SavedTensor&) = delete;

  void save(const Tensor& t);
  /// The saved tensor. Throws AutogradError if it was freed by an earlier backward, or if its
  /// memory was modified in place after it was saved.
  Tensor get() const;
  void release();

 private:
  Node* owner_;
  Tensor tensor_;
  std::uint64_t version_ = 0;
  bool saved_ = false;
  bool released_ = false;
};

/// The node that adds incoming gradients into a leaf tensor's .grad().
class AccumulateGrad final : public Node {
 public:
  explicit AccumulateGrad(std::shared_ptr<TensorImpl> leaf) : leaf_(std::move(leaf)) {}
  const char* name() const override { return "accumulate_grad"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
  const std::shared_ptr<TensorImpl>& leaf() const { return leaf_; }

 private:
  std::shared_ptr<TensorImpl> leaf_;
};

// ---- grad mode ------------------------------------------------------------------------------------

/// Whether ops currently record nodes (per thread; on by default).
bool grad_enabled();

/// Turns recording off for its lifetime: evaluation, optimizer steps, in-place parameter updates.
///   { NoGradGuard no_grad; w.add_(g, -lr); }
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// ---- recording ------------------------------------------------------------------------------------

/// True when an op on these inputs must record a node (grad mode on and some input requires grad).
bool any_requires_grad(std::initializer_list<Tensor> inputs);

namespace detail {
void attach(const std::shared_ptr<Node>& node, const Tensor& out, const Tensor* inputs, std::size_t count);
}

/// If `out` must be differentiable, creates node N, links it to the inputs and to `out`, and
/// returns it so the op can save what its backward needs. Otherwise returns null.
template <class N>
std::shared_ptr<N> record(const Tensor& out, std::initializer_list<Tensor> inputs) {
  if (!any_requires_grad(inputs)) return nullptr;
  auto node = std::make_shared<N>();
  detail::attach(node, out, inputs.begin(), inputs.size());
  return node;
}
/// The same for ops with a variable number of inputs (concat).
template <class N>
std::shared_ptr<N> record(const Tensor& out, const std::vector<Tensor>& inputs) {
  if (!grad_enabled()) return nullptr;
  bool any = false;
  for (const Tensor& t : inputs) any = any || (t.defined() && t.requires_grad());
  if (!any) return nullptr;
  auto node = std::make_shared<N>();
  detail::attach(node, out, inputs.data(), inputs.size());
  return node;
}

/// The gradient sink of a leaf that requires grad (created on first use).
std::shared_ptr<Node> grad_accumulator(const Tensor& leaf);

/// The backward pass (Tensor::backward calls this).
void run_backward(const Tensor& root, const Tensor& dout, bool retain_graph);

}  // namespace sf
