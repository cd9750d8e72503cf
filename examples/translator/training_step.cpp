// training_step.cpp: one step of training (see training_step.hpp).
#include "examples/translator/training_step.hpp"

#include <algorithm>
#include <cmath>

#include "nn/loss.hpp"
#include "optim/clip.hpp"

namespace sf::translator {

optim::CosineConfig cosine_schedule(const RunConfig& c) {
  return {.peak_lr = c.lr,
          .warmup_steps = c.warmup,
          .total_steps = std::max(c.steps, c.warmup + 1),
          .final_lr = c.lr / 20};
}

double schedule_lr(const RunConfig& c, std::int64_t d_model, std::int64_t step) {
  if (c.schedule == "noam") return optim::NoamSchedule({.d_model = d_model, .warmup = c.warmup}).lr(step);
  return optim::CosineSchedule(cosine_schedule(c)).lr(step);
}

// [doc:training-step]
StepResult training_step(nn::Transformer& model, optim::Adam& adam, const Batch& batch,
                         const RunConfig& config, double loss_limit) {
  adam.set_lr(schedule_lr(config, model.config().layer.d_model, adam.steps() + 1));
  Tensor loss = nn::cross_entropy(model(batch.source, batch.target_in), batch.target_out, Vocab::pad_id,
                                  config.label_smoothing);
  StepResult result{.loss = loss.item()};
  if (!std::isfinite(result.loss) || result.loss > loss_limit) return result;  // keep good weights
  model.zero_grad();
  loss.backward();
  if (config.clip > 0) result.gradient_norm = optim::clip_grad_norm(model.parameters(), config.clip);
  if (!std::isfinite(result.gradient_norm)) return result;
  adam.step();
  result.updated = true;
  return result;
}
// [doc:end]

}  // namespace sf::translator
