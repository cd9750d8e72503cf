// autograd.cpp: recording nodes, saved tensors, and the backward pass.
#include "core/autograd.hpp"

#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "core/ops/elementwise.hpp"

namespace sf {

// ---- grad mode ------------------------------------------------------------------------------------

namespace {
thread_local bool g_grad_enabled = true;
}

bool grad_enabled() { return g_grad_enabled; }
NoGradGuard::NoGradGuard() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { g_grad_enabled = previous_; }

// ---- graph lifetime ---------------------------------------------------------------------------------

Node::~Node() {
  // Hand our inputs' nodes to a per-thread work list instead of letting them die inside this
  // destructor; only the outermost destructor drains the list, so the depth stays constant.
  thread_local std::vector<std::shared_ptr<Node>> orphans;
  thread_local bool draining = false;
  for (auto& n : next)
    if (n) orphans.push_back(std::move(n));
  if (draining) return;
  draining = true;
  while (!orphans.empty()) {
    std::shared_ptr<Node> n = std::move(orphans.back());
    orphans.pop_back();
    n.reset();  // may run ~Node of n, which only appends to `orphans`
  }
  draining = false;
}

// ---- saved tensors ----------------------------------------------------------------------------------

void Node::release_saved() {
  for (SavedTensor* s : saved_) s->release();
}

SavedTensor::SavedTensor(Node* owner) : owner_(owner) { owner_->saved_.push_back(this); }

void SavedTensor::save(const Tensor& t) {
  tensor_ = t.detach();  // same memory, no grad_fn: saving an op's own output makes no cycle
  version_ = t.storage()->version();
  saved_ = true;
}

Tensor SavedTensor::get() const {
  if (released_)
    fail<AutogradError>(owner_->name(),
                        ": backward through this part of the graph a second time, but its saved tensors were "
                        "freed by the first backward(); pass retain_graph = true to the first call");
  if (!saved_) fail<AutogradError>(owner_->name(), ": internal error: a saved tensor was never saved");
  const std::uint64_t now = tensor_.storage()->version();
  if (now != version_)
    fail<AutogradError>(owner_->name(), ": a tensor of shape ", tensor_.shape(),
                        " saved for backward was modified in place afterwards (version ", version_,
                        " when saved, ", now,
                        " now); its gradient would be wrong. Modify a clone() instead, or do the in-place "
                        "change before using the tensor");
  return tensor_;
}

void SavedTensor::release() {
  if (!saved_) return;
  tensor_ = Tensor();
  released_ = true;
}

// ---- leaves -------------------------------------------------------------------------------------------

namespace {

// grad += g, or grad = a private copy of g the first time (g may be a view of someone else's memory,
// e.g. the stride-0 expansion that sum's backward returns, so it must not be kept as is).
void accumulate_into(Tensor& grad, const Tensor& g) {
  if (!grad.defined()) {
    grad = g.clone();
  } else {
    grad.add_(g);
  }
}

}  // namespace

std::vector<Tensor> AccumulateGrad::backward(const Tensor& dout) {
  accumulate_into(leaf_->grad, dout);
  return {};
}

std::shared_ptr<Node> grad_accumulator(const Tensor& leaf) {
  TensorImpl* impl = leaf.impl();
  if (auto existing = impl->grad_accumulator.lock()) return existing;
  auto node = std::make_shared<AccumulateGrad>(leaf.impl_ptr());
  node->out_shape = leaf.shape();
  impl->grad_accumulator = node;
  return node;
}

// ---- recording --------------------------------------------------------------------------------------

bool any_requires_grad(std::initializer_list<Tensor> inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

// [doc:attach]
void detail::attach(const std::shared_ptr<Node>& node, const Tensor& out, const Tensor* inputs,
                    std::size_t count) {
  node->next.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const Tensor& in = inputs[i];
    if (!in.defined() || !in.requires_grad()) {
      node->next.push_back(nullptr);
    } else {
      node->next.push_back(in.grad_fn() ? in.grad_fn() : grad_accumulator(in));
    }
    node->input_shapes.push_back(in.defined() ? in.shape() : Shape{});
    node->input_dtypes.push_back(in.defined() ? in.dtype() : kFloat32);
  }
  node->out_shape = out.shape();
  node->output = out.impl_ptr();
  out.impl()->grad_fn = node;
  out.impl()->requires_grad = true;
}
// [doc:end]

// ---- the backward pass --------------------------------------------------------------------------------

namespace {

// [doc:gradient-sums]
// The gradients on their way to each node, summed when several paths reach it (a tensor used
// twice gets the sum of both gradients). The plain rule is sum = sum + g, a new tensor each time.
// The in-place optimisation, all of it in this class: a sum the engine allocated itself (the
// result of an add, or a fresh gradient a node returned) is "owned", since nothing else refers to
// it, so later gradients are added into it in place (add_), and a slicing node may write its
// gradient straight into such a sum (Node::backward_into). A gradient the engine does not own
// (the seed, a node's dout passed through unchanged) is never written to.
class GradientSums {
 public:
  /// Removes and returns the sum for `n`: undefined when no gradient reached it.
  Tensor take(Node* n) {
    Tensor g;
    if (auto it = sums_.find(n); it != sums_.end()) {
      g = std::move(it->second);
      sums_.erase(it);
      owned_.erase(n);
    }
    return g;
  }

  /// sum[n] += g. `fresh`: g was newly allocated by a backward and nothing else refers to it.
  void add(Node* n, const Tensor& g, bool fresh) {
    Tensor& sum = sums_[n];
    if (!sum.defined()) {
      sum = g;
      if (fresh) owned_.insert(n);
    } else if (owned_.count(n)) {
      sum.add_(g);  // in place: the engine owns this sum
    } else {
      sum = sf::add(sum, g);
      owned_.insert(n);
    }
  }

  /// The gradients of n's inputs: n.backward(g), or none when n has one input whose sum the
  /// engine owns and n adds its gradient straight into that sum (Node::backward_into).
  std::vector<Tensor> backward_of(Node& n, const Tensor& g) {
    Node* only = n.next.size() == 1 ? n.next[0].get() : nullptr;
    if (only && owned_.count(only) && n.backward_into(g, sums_[only])) return {};
    return n.backward(g);
  }

 private:
  std::unordered_map<Node*, Tensor> sums_;
  std::unordered_set<Node*> owned_;
};
// [doc:end]

// The rule every backward must keep: input i's gradient has input i's shape and dtype.
void check_gradient(const Node& n, std::size_t i, const Tensor& gi) {
  if (!(gi.shape() == n.input_shapes[i]) || gi.dtype() != n.input_dtypes[i])
    fail<AutogradError>(n.name(), ": backward returned a gradient of shape ", gi.shape(), " (",
                        dtype_name(gi.dtype()), ") for input ", i, " of shape ", n.input_shapes[i], " (",
                        dtype_name(n.input_dtypes[i]),
                        "); a gradient must have its input's shape (was a broadcast not reduced?)");
}

}  // namespace

void run_backward(const Tensor& root, const Tensor& dout, bool retain_graph) {
  if (!root.defined()) fail<AutogradError>("backward: called on an undefined tensor");
  if (!root.requires_grad())
    fail<AutogradError>(
        "backward: the tensor does not require grad and has no grad_fn, so there is nothing to "
        "differentiate (did no input call requires_grad_(), or was it computed under NoGradGuard?)");
  Tensor seed = dout;
  if (!seed.defined()) {
    if (root.numel() != 1)
      fail<AutogradError>(
          "backward: the output has shape ", root.shape(),
          "; backward() without an output gradient needs a single-element output such as a loss. "
          "Pass the gradient explicitly: y.backward(dy)");
    seed = ones_like(root);
  } else if (!(seed.shape() == root.shape()) || seed.dtype() != root.dtype()) {
    fail<AutogradError>("backward: the output gradient has shape ", seed.shape(), " and dtype ",
                        dtype_name(seed.dtype()), " but the output has shape ", root.shape(), " and dtype ",
                        dtype_name(root.dtype()));
  }

  NoGradGuard no_grad;  // backward formulas are computed, not recorded
  std::shared_ptr<Node> start = root.grad_fn() ? root.grad_fn() : grad_accumulator(root);

  // 1. Find every node reachable from the root, and count the edges that enter each one: a node is
  //    ready when all the nodes that feed it a gradient have run. Explicit stack: no recursion.
  std::unordered_map<Node*, int> pending;
  std::vector<Node*> order_found;
  {
    std::unordered_set<Node*> seen{start.get()};
    std::vector<Node*> stack{start.get()};
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      order_found.push_back(n);
      for (const auto& next : n->next) {
        if (!next) continue;
        ++pending[next.get()];
        if (seen.insert(next.get()).second) stack.push_back(next.get());
      }
    }
  }

  // [doc:engine]
  // 2. Run the nodes in topological order (Kahn's algorithm): a node runs once every gradient headed
  //    for it has arrived, and then hands its inputs' gradients on to their nodes.
  GradientSums sums;
  sums.add(start.get(), seed, /*fresh=*/false);
  std::vector<Node*> ready{start.get()};
  while (!ready.empty()) {
    Node* n = ready.back();
    ready.pop_back();
    const Tensor g = sums.take(n);  // dL/d(n's output), summed over every path
    std::vector<Tensor> input_grads;
    if (g.defined()) {
      if (auto out = n->output.lock(); out && out->retains_grad) accumulate_into(out->grad, g);
      input_grads = sums.backward_of(*n, g);  // n->backward(g)
    }
    for (std::size_t i = 0; i < n->next.size(); ++i) {
      Node* next = n->next[i].get();
      if (!next) continue;  // input i needs no gradient
      if (i < input_grads.size() && input_grads[i].defined()) {
        check_gradient(*n, i, input_grads[i]);
        sums.add(next, input_grads[i], n->returns_fresh_gradients());
      }
      if (--pending[next] == 0) ready.push_back(next);  // its last gradient has arrived
    }
  }
  // [doc:end]

  if (!retain_graph)
    for (Node* n : order_found) n->release_saved();
}

// ---- the autograd part of Tensor ---------------------------------------------------------------------

bool Tensor::requires_grad() const { return impl_->requires_grad; }

Tensor& Tensor::requires_grad_(bool on) {
  if (!is_leaf())
    fail<AutogradError>(
        "requires_grad_: only leaf tensors can change requires_grad; this one was produced by '",
        impl_->grad_fn->name(), "' (call detach() first to make a leaf)");
  if (on && !is_floating(dtype()))
    fail<TypeError>("requires_grad_: only float32 and float64 tensors can require gradients, got ",
                    dtype_name(dtype()));
  impl_->requires_grad = on;
  return *this;
}

bool Tensor::is_leaf() const { return impl_->grad_fn == nullptr; }
Tensor Tensor::grad() const { return impl_->grad; }

void Tensor::set_grad(const Tensor& grad) const {
  if (grad.defined() && (!(grad.shape() == shape()) || grad.dtype() != dtype()))
    fail<ShapeError>("set_grad: gradient of shape ", grad.shape(), " (", dtype_name(grad.dtype()),
                     ") for a tensor of shape ", shape(), " (", dtype_name(dtype()), ")");
  impl_->grad = grad;
}

const std::shared_ptr<Node>& Tensor::grad_fn() const { return impl_->grad_fn; }

void Tensor::backward(const Tensor& dout, bool retain_graph) const {
  run_backward(*this, dout, retain_graph);
}

void Tensor::retain_grad() const {
  if (!requires_grad())
    fail<AutogradError>("retain_grad: the tensor does not require grad, so it will never have a gradient");
  impl_->retains_grad = true;
}

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = impl_->storage;
  impl->shape = impl_->shape;
  impl->strides = impl_->strides;
  impl->offset = impl_->offset;
  impl->dtype = impl_->dtype;
  impl->name = impl_->name;
  return Tensor(std::move(impl));
}

}  // namespace sf
