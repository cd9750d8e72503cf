// progress.hpp: the training progress line: step, loss, learning rate, tokens per second, time left.
// On a terminal it redraws one line in place; elsewhere (a log, CI) it prints a line now and then.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>

namespace sf::translator {

class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool interactive) : out_(out), interactive_(interactive) {}
  void update(std::int64_t step, std::int64_t total, double loss, double lr, double tokens_per_second,
              double seconds_left);
  /// Ends the current line (before other output).
  void finish();

 private:
  std::ostream& out_;
  bool interactive_;
  bool open_line_ = false;
  double smoothed_loss_ = -1;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace sf::translator
