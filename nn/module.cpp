// module.cpp: registration, traversal and state dicts of Module.
#include "nn/module.hpp"

#include <set>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/io/state_dict.hpp"

namespace sf::nn {
namespace {

std::string join_name(const std::string& prefix, const std::string& name) {
  if (prefix.empty()) return name;
  if (name.empty()) return prefix;
  return prefix + "." + name;
}

void check_name(const std::string& name, const char* what) {
  if (name.find('.') != std::string::npos)
    fail<ValueError>("Module: ", what, " name '", name, "' may not contain '.' (dots separate submodules)");
}

}  // namespace

constinit thread_local ShapeRecording* ShapeRecording::current_ = nullptr;

ShapeRecording::ShapeRecording() {
  if (current_) fail<ValueError>("ShapeRecording: a recording is already running on this thread");
  current_ = this;
}

ShapeRecording::~ShapeRecording() { current_ = nullptr; }

void Module::register_parameter(const std::string& name, Tensor& slot) {
  check_name(name, "parameter");
  if (name.empty()) fail<ValueError>("Module: a parameter needs a name");
  if (!slot.defined()) fail<ValueError>("Module: parameter '", name, "' is registered before it has a value");
  if (!slot.requires_grad()) slot.requires_grad_();
  parameters_.push_back({name, &slot, true});
}

void Module::register_buffer(const std::string& name, Tensor& slot, bool persistent) {
  check_name(name, "buffer");
  buffers_.push_back({name, &slot, persistent});
}

void Module::register_module(const std::string& name, Module& child) {
  check_name(name, "submodule");
  children_.emplace_back(name, &child);
}

template <class F>
void Module::visit_parameters(const std::string& prefix, F&& f) const {
  for (const Slot& s : parameters_) f(join_name(prefix, s.name), *s.tensor);
  for (const auto& [name, child] : children_) child->visit_parameters(join_name(prefix, name), f);
}

template <class F>
void Module::visit_buffers(const std::string& prefix, F&& f) const {
  for (const Slot& s : buffers_) f(join_name(prefix, s.name), *s.tensor, s.persistent);
  for (const auto& [name, child] : children_) child->visit_buffers(join_name(prefix, name), f);
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
  // A tensor registered twice (tied weights: the output projection sharing the embedding table)
  // is listed once, under the first name, so an optimizer updates it once.
  std::vector<std::pair<std::string, Tensor>> out;
  std::set<const TensorImpl*> seen;
  visit_parameters("", [&](const std::string& n, Tensor& t) {
    if (seen.insert(t.impl()).second) out.emplace_back(n, t);
  });
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_parameters()) out.push_back(t);
  return out;
}

std::int64_t Module::parameter_count() const {
  std::int64_t n = 0;
  for (auto& [name, t] : named_parameters()) n += t.numel();
  return n;
}

std::vector<std::pair<std::string, const Module*>> Module::named_modules() const {
  std::vector<std::pair<std::string, const Module*>> out{{"", this}};
  for (const auto& [name, child] : children_)
    for (const auto& [sub, m] : child->named_modules()) out.emplace_back(join_name(name, sub), m);
  return out;
}

void Module::zero_grad() {
  NoGradGuard no_grad;
  visit_parameters("", [](const std::string&, Tensor& t) {
    if (t.grad().defined()) t.grad().zero_();
  });
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

StateDict Module::state_dict() const {
  StateDict out;
  for (auto& [name, t] : named_parameters()) out.emplace(name, t);
  visit_buffers("", [&](const std::string& n, Tensor& t, bool persistent) {
    if (persistent) out.emplace(n, t);
  });
  return out;
}

void Module::load_state_dict(const StateDict& state) {
  const StateDict mine = state_dict();
  check_state_dict(state, mine, "load_state_dict");  // names everything that does not fit; changes nothing
  NoGradGuard no_grad;
  for (const auto& [name, t] : mine) {
    Tensor target = t;
    target.copy_(state.at(name));
  }
}

void Module::to(DType dtype) {
  std::map<const TensorImpl*, Tensor> converted;  // tied weights stay tied
  visit_parameters("", [&](const std::string&, Tensor& t) {
    if (t.dtype() == dtype) return;
    auto [it, added] = converted.try_emplace(t.impl());
    if (added) {
      it->second = t.detach().to(dtype);
      it->second.requires_grad_();
    }
    t = it->second;
  });
  visit_buffers("", [&](const std::string&, Tensor& t, bool) {
    if (t.defined() && is_floating(t.dtype()) && t.dtype() != dtype) t = t.to(dtype);
  });
}

}  // namespace sf::nn
