// schedule.hpp: learning rates that change with the step number.
//
//   NoamSchedule    the Transformer paper's (Vaswani et al. 2017 §5.3, eq. 3): a linear warm-up,
//                   then decay as 1/√step. Named after Noam Shazeer, as in "The Annotated Transformer".
//   CosineSchedule  a linear warm-up to a peak, then half a cosine down to a final rate: what most
//                   models use today.
//
// Steps count from 1: step 1 is the first update. Each schedule is a pure function of the step, so
// resuming from a checkpoint only needs the step number (Optimizer::steps()):
//   opt.set_lr(schedule.lr(opt.steps() + 1));  opt.step();
#pragma once

#include <cstdint>

namespace sf::optim {

struct NoamConfig {
  std::int64_t d_model = 512;
  std::int64_t warmup = 4000;  // the step at which the rate peaks
  double scale = 1.0;          // a factor on the whole curve (1 in the paper)
};

class NoamSchedule {
 public:
  /// Example: NoamSchedule noam({.d_model = 512, .warmup = 4000}); noam.lr(4000) ≈ 6.99e-4
  explicit NoamSchedule(NoamConfig config = {});
  /// lr = scale · d_model^−0.5 · min(step^−0.5, step · warmup^−1.5). Throws ValueError for step < 1
  /// (at step 0 the formula gives 0, a step that would not move).
  double lr(std::int64_t step) const;
  /// The highest rate, at step = warmup: scale · (d_model · warmup)^−0.5.
  double peak() const { return lr(config_.warmup); }

 private:
  NoamConfig config_;
};

struct CosineConfig {
  double peak_lr = 1e-3;
  std::int64_t warmup_steps = 0;    // linear from peak_lr/warmup_steps at step 1 to peak_lr
  std::int64_t total_steps = 1000;  // the rate reaches final_lr here, and stays there
  double final_lr = 0;
};

class CosineSchedule {
 public:
  /// Example: CosineSchedule cosine({.peak_lr = 7e-4, .warmup_steps = 4000, .total_steps = 100000});
  explicit CosineSchedule(CosineConfig config);
  /// peak·step/warmup during the warm-up; then final + (peak − final)·(1 + cos(π·p))/2 where p goes
  /// from 0 to 1 over the remaining steps; final_lr after total_steps. ValueError for step < 1.
  double lr(std::int64_t step) const;

 private:
  CosineConfig config_;
};

}  // namespace sf::optim
