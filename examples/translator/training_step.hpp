// training_step.hpp: one step of training, the heart of the loop in training.cpp: the schedule's
// learning rate, the model on the source and the shifted target (teacher forcing), the
// label-smoothed cross-entropy, backpropagation, gradient clipping and Adam's update.
#pragma once

#include <cmath>
#include <cstdint>

#include "examples/translator/batching.hpp"
#include "examples/translator/run_config.hpp"
#include "nn/transformer.hpp"
#include "optim/adam.hpp"
#include "optim/schedule.hpp"

namespace sf::translator {

/// The cosine schedule of a run: warm-up to its lr over its warm-up steps, then cosine decay over
/// the rest of its steps to a twentieth of the peak.
optim::CosineConfig cosine_schedule(const RunConfig& config);

/// The learning rate at `step` (from 1) under the run's schedule: "noam" (the paper's, set by d_model
/// and the warm-up), otherwise cosine (warm-up, then cosine decay to a twentieth of the peak).
double schedule_lr(const RunConfig& config, std::int64_t d_model, std::int64_t step);

/// What one step did.
struct StepResult {
  double loss = 0;           // the batch's loss, before the update
  double gradient_norm = 0;  // the global norm before clipping (0 when clipping is off)
  bool updated = false;      // false: the loss or the gradient was not finite, or the loss was above
                             // the limit; the weights are unchanged
};

/// One training step on `batch`. A loss or gradient that is not finite, or a loss above
/// `loss_limit`, stops before the update, so the weights (and the last checkpoint) stay good; the
/// caller decides what to do then.
StepResult training_step(nn::Transformer& model, optim::Adam& adam, const Batch& batch,
                         const RunConfig& config, double loss_limit = INFINITY);

}  // namespace sf::translator
