// adamw.hpp: AdamW, Adam with decoupled weight decay (Loshchilov & Hutter 2019, "Decoupled Weight
// Decay Regularization"; torch.optim.AdamW).
//
// Weight decay pulls every weight a little towards 0 each step. Adding λ·θ to the gradient (L2
// regularisation, as plain SGD does it) goes wrong with Adam: the term is divided by √v̂ with the
// rest, so weights with large gradients are hardly decayed. AdamW shrinks the weights directly,
// outside the adaptive step:
//
//   θ ← θ − lr·λ·θ                  (decay, before the update; only for parameters with a gradient)
//   θ ← θ − lr·m̂ / (√v̂ + ε)         (Adam's update, unchanged: adam.hpp)
#pragma once

#include <vector>

#include "optim/adam.hpp"

namespace sf::optim {

/// AdamW's hyperparameters. The defaults are PyTorch's (torch.optim.AdamW).
struct AdamWConfig {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 1e-2;  // λ: each step multiplies a weight by 1 − lr·λ
};

class AdamW : public Adam {
 public:
  /// Example: AdamW opt(model.parameters(), {.lr = 3e-4, .weight_decay = 0.1});
  explicit AdamW(std::vector<Tensor> params, AdamWConfig config = {});

  void step() override;

  double weight_decay() const { return weight_decay_; }

 private:
  double weight_decay_;
};

}  // namespace sf::optim
