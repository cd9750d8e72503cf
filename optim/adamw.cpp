// adamw.cpp: the decoupled decay, then Adam's step.
#include "optim/adamw.hpp"

#include <cmath>

#include "core/autograd.hpp"
#include "core/error.hpp"

namespace sf::optim {

AdamW::AdamW(std::vector<Tensor> params, AdamWConfig config)
    : Adam(std::move(params),
           {.lr = config.lr, .beta1 = config.beta1, .beta2 = config.beta2, .eps = config.eps}, "AdamW"),
      weight_decay_(config.weight_decay) {
  if (!(weight_decay_ >= 0 && std::isfinite(weight_decay_)))
    fail<ValueError>("AdamW: weight_decay must be finite and >= 0, got ", weight_decay_);
}

// [doc:adamw-step]
void AdamW::step() {
  NoGradGuard no_grad;
  for (Tensor& p : params_)
    if (p.grad().defined()) p.mul_(1 - lr_ * weight_decay_);  // θ ← θ − lr·λ·θ
  Adam::step();                                               // θ ← θ − lr·m̂ / (√v̂ + ε)
}
// [doc:end]

}  // namespace sf::optim
