// schedule.cpp: the two learning-rate curves.
#include "optim/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/error.hpp"

namespace sf::optim {

namespace {

void check_step(std::int64_t step, const char* who) {
  if (step < 1) fail<ValueError>(who, ": steps count from 1, got step ", step);
}

}  // namespace

NoamSchedule::NoamSchedule(NoamConfig config) : config_(config) {
  if (config_.d_model < 1 || config_.warmup < 1)
    fail<ValueError>("NoamSchedule: d_model and warmup must be >= 1, got d_model ", config_.d_model,
                     " and warmup ", config_.warmup);
  if (!(config_.scale > 0 && std::isfinite(config_.scale)))
    fail<ValueError>("NoamSchedule: scale must be finite and > 0, got ", config_.scale);
}

// [doc:noam]
double NoamSchedule::lr(std::int64_t step) const {
  check_step(step, "NoamSchedule.lr");
  const auto s = static_cast<double>(step), w = static_cast<double>(config_.warmup);
  const double rise = s / (w * std::sqrt(w));  // step · warmup^−1.5: grows linearly during the warm-up
  const double fall = 1 / std::sqrt(s);        // step^−0.5: the decay afterwards
  return config_.scale / std::sqrt(static_cast<double>(config_.d_model)) * std::min(rise, fall);
}
// [doc:end]

CosineSchedule::CosineSchedule(CosineConfig config) : config_(config) {
  const auto& c = config_;
  if (!(c.peak_lr >= 0 && std::isfinite(c.peak_lr) && c.final_lr >= 0 && std::isfinite(c.final_lr)))
    fail<ValueError>("CosineSchedule: peak_lr and final_lr must be finite and >= 0, got ", c.peak_lr, " and ",
                     c.final_lr);
  if (c.warmup_steps < 0 || c.total_steps <= c.warmup_steps)
    fail<ValueError>("CosineSchedule: need 0 <= warmup_steps < total_steps, got ", c.warmup_steps, " and ",
                     c.total_steps);
}

double CosineSchedule::lr(std::int64_t step) const {
  check_step(step, "CosineSchedule.lr");
  const auto& c = config_;
  if (step <= c.warmup_steps)
    return c.peak_lr * static_cast<double>(step) / static_cast<double>(c.warmup_steps);
  if (step >= c.total_steps) return c.final_lr;
  const double p =
      static_cast<double>(step - c.warmup_steps) / static_cast<double>(c.total_steps - c.warmup_steps);
  return c.final_lr + (c.peak_lr - c.final_lr) * (1 + std::cos(std::numbers::pi * p)) / 2;
}

}  // namespace sf::optim
