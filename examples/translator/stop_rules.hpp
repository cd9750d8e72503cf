// stop_rules.hpp: when training stops. After the run's number of steps, after its time budget, or
// when Ctrl-C is pressed, whichever comes first. (A loss that is not finite stops it too;
// training_step reports that.) The budget is wall-clock time: the command's setup, training steps,
// validations and saves all count, added up over --resume pieces; what follows the last step
// (averaging, the final scores, the report) does not. A budget met on a step that is no validation
// step still ends with a validation, so the final model is chosen as every other.
#pragma once

#include <csignal>
#include <cstdint>

namespace sf::translator {

class StopRules {
 public:
  /// `steps` and `minutes` (0 = no budget) as in RunConfig; the run starts at `step`, with
  /// `elapsed_seconds` of wall time already spent (both 0 unless resumed). Catches Ctrl-C until
  /// destroyed.
  StopRules(std::int64_t steps, double minutes, std::int64_t step, double elapsed_seconds);
  ~StopRules();
  StopRules(const StopRules&) = delete;
  StopRules& operator=(const StopRules&) = delete;

  /// Ctrl-C was pressed (training saves and stops).
  bool interrupted() const;
  /// The run has done what it was asked: its steps, or its minutes.
  bool finished(std::int64_t step, double elapsed_seconds) const;
  bool should_stop(std::int64_t step, double elapsed_seconds) const {
    return interrupted() || finished(step, elapsed_seconds);
  }
  /// The wall time left, estimated from this session's pace, for the progress line.
  double seconds_left(std::int64_t step, double elapsed_seconds) const;

 private:
  std::int64_t steps_;
  double minutes_;
  std::int64_t start_step_;
  double start_seconds_;
  void (*previous_handler_)(int);
};

}  // namespace sf::translator
