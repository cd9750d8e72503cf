// adam.hpp: Adam, the optimizer of the Transformer paper (Kingma & Ba 2015, "Adam: A Method for
// Stochastic Optimization"; Vaswani et al. 2017 §5.3).
//
// Plain SGD moves every weight by lr·g. Adam keeps two running averages per weight, of the
// gradient (m, the direction) and of its square (v, the typical size), and moves each weight by
// about lr·m/√v: a step of roughly lr whatever the gradient's scale, smaller where the gradient
// keeps changing sign. The update, for each weight θ with gradient g at step t = 1, 2, ...:
//
//   m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
//   m̂ = m / (1 − β1^t)             v̂ = v / (1 − β2^t)          (bias correction: m and v start at 0)
//   θ ← θ − lr·m̂ / (√v̂ + ε)
//
// This is the readable version, one parameter at a time; the equations sit in adam.cpp line by line.
// AdamW (adamw.hpp) adds decoupled weight decay.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "optim/optimizer.hpp"

namespace sf::optim {

/// Adam's hyperparameters. The defaults are PyTorch's (torch.optim.Adam).
struct AdamConfig {
  double lr = 1e-3;
  double beta1 = 0.9;    // decay of the gradient's average m: it remembers about 1/(1−β1) = 10 steps
  double beta2 = 0.999;  // decay of the squared gradient's average v: about 1/(1−β2) = 1000 steps
  double eps = 1e-8;     // keeps the step finite where v̂ is 0
  bool fused = true;     // one pass over every parameter, on every core (same numbers as one by one)
};

/// The Transformer paper's values (Vaswani et al. 2017 §5.3): β1 = 0.9, β2 = 0.98, ε = 1e-9. The
/// paper sets lr every step with its warm-up schedule (NoamSchedule); 1e-3 here is only a start.
/// Example: Adam opt(model.parameters(), kPaperAdam);
inline constexpr AdamConfig kPaperAdam{.lr = 1e-3, .beta1 = 0.9, .beta2 = 0.98, .eps = 1e-9};

class Adam : public Optimizer {
 public:
  /// Example: Adam opt(model.parameters(), {.lr = 3e-4});
  explicit Adam(std::vector<Tensor> params, AdamConfig config = {});

  void step() override;

  /// "step" (int64 []: steps()), "lr" (float64 []), and per parameter i: "param.i.m", "param.i.v"
  /// (the parameter's shape and dtype) and "param.i.step" (int64 []: t, the updates it received).
  std::map<std::string, Tensor> state_dict() const override;
  void load_state_dict(const std::map<std::string, Tensor>& state) override;

  const AdamConfig& config() const { return config_; }

 protected:
  /// For AdamW: the same optimizer under another name (it starts the error messages).
  Adam(std::vector<Tensor> params, AdamConfig config, const char* name);
  /// The plain step: one parameter after another (the teaching version).
  void step_one_by_one();
  /// The fused step: the same update as one pass over all parameters' elements, split across threads.
  void step_fused();

 private:
  /// Per parameter: the two running averages, and t. t is per parameter (as in PyTorch) because a
  /// parameter without a gradient at some step is skipped, and its bias correction must not move.
  struct State {
    Tensor m, v;
    std::int64_t t = 0;
  };
  std::vector<State> state_;
  AdamConfig config_;
};

}  // namespace sf::optim
