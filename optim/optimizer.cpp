// optimizer.cpp: checking the parameters an optimizer is given, zero_grad and the learning rate.
#include "optim/optimizer.hpp"

#include <cmath>
#include <set>

#include "core/error.hpp"

namespace sf::optim {

namespace {

void check_lr(double lr, const char* name) {
  if (!std::isfinite(lr) || lr < 0)
    fail<ValueError>(name, ": the learning rate must be finite and >= 0, got ", lr);
}

}  // namespace

Optimizer::Optimizer(std::vector<Tensor> params, double lr, const char* name)
    : params_(std::move(params)), lr_(lr), name_(name) {
  check_lr(lr, name);
  std::set<const TensorImpl*> seen;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    if (!p.defined()) fail<ValueError>(name, ": parameter ", i, " is undefined");
    if (!is_floating(p.dtype()))
      fail<TypeError>(name, ": parameter ", i, " is ", dtype_name(p.dtype()),
                      "; only float32 and float64 can be trained");
    // The update runs a plain loop over the parameter's memory, which must be exactly its elements.
    if (!p.is_contiguous())
      fail<ValueError>(name, ": parameter ", i, " of shape ", p.shape(),
                       " is not contiguous (a view?); pass the tensor itself");
    // Listed twice, a parameter would be updated twice per step.
    if (!seen.insert(p.impl()).second)
      fail<ValueError>(name, ": parameter ", i, " appears twice in the list");
  }
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.set_grad(Tensor());
}

void Optimizer::set_lr(double lr) {
  check_lr(lr, name_);
  lr_ = lr;
}

}  // namespace sf::optim
