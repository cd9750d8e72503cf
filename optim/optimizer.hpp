// optimizer.hpp: what every optimizer shares: the parameters it updates, the learning rate, and
// clearing gradients. Adam (adam.hpp) and AdamW (adamw.hpp) are the ones we have.
//
// The training loop is always the same five lines:
//
//   Adam opt(model.parameters(), kPaperAdam);
//   for (std::int64_t step = 1; step <= steps; ++step) {
//     opt.zero_grad();                              // forget the last step's gradients
//     Tensor loss = criterion(model(x), y);
//     loss.backward();                              // fill every parameter's .grad()
//     opt.set_lr(schedule.lr(step));               // optional: a schedule (schedule.hpp)
//     opt.step();                                   // update the parameters in place
//   }
//
// Backpropagation only computes gradients; the optimizer is what changes the weights.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace sf::optim {

class Optimizer {
 public:
  /// `params` are handles on the model's tensors (Module::parameters()): float32 or float64,
  /// contiguous, each listed once. Throws ValueError/TypeError naming the parameter otherwise.
  Optimizer(std::vector<Tensor> params, double lr, const char* name);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// One update of every parameter that has a gradient (parameters without one are left alone).
  virtual void step() = 0;

  /// Drops every parameter's gradient (sets it undefined, as PyTorch's zero_grad(set_to_none=True)),
  /// so the next backward starts from nothing and a parameter it does not reach is skipped by step().
  void zero_grad();

  double lr() const { return lr_; }
  /// Changes the learning rate for the following steps (a schedule calls this every step).
  void set_lr(double lr);

  /// How many times step() has run: the step number to resume a schedule from.
  std::int64_t steps() const { return steps_; }
  const std::vector<Tensor>& parameters() const { return params_; }

  /// The optimizer's state as named tensors, ready for save_safetensors.
  virtual std::map<std::string, Tensor> state_dict() const = 0;
  /// Restores what state_dict() returned; checks every name, shape and dtype before changing anything.
  virtual void load_state_dict(const std::map<std::string, Tensor>& state) = 0;

 protected:
  std::vector<Tensor> params_;
  double lr_;
  std::int64_t steps_ = 0;
  const char* name_;  // "Adam", "AdamW": starts error messages
};

}  // namespace sf::optim
