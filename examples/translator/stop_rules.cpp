// stop_rules.cpp: steps, minutes and Ctrl-C (see stop_rules.hpp).
#include "examples/translator/stop_rules.hpp"

#include <algorithm>
#include <atomic>

namespace sf::translator {

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted = true; }

}  // namespace

StopRules::StopRules(std::int64_t steps, double minutes, std::int64_t step, double elapsed_seconds)
    : steps_(steps), minutes_(minutes), start_step_(step), start_seconds_(elapsed_seconds) {
  g_interrupted = false;
  previous_handler_ = std::signal(SIGINT, on_interrupt);
}

StopRules::~StopRules() { std::signal(SIGINT, previous_handler_); }

bool StopRules::interrupted() const { return g_interrupted; }

bool StopRules::finished(std::int64_t step, double elapsed_seconds) const {
  return step >= steps_ || (minutes_ > 0 && elapsed_seconds >= minutes_ * 60.0);
}

double StopRules::seconds_left(std::int64_t step, double elapsed_seconds) const {
  const std::int64_t done = std::max<std::int64_t>(step - start_step_, 1);
  double left =
      (elapsed_seconds - start_seconds_) / static_cast<double>(done) * static_cast<double>(steps_ - step);
  if (minutes_ > 0) left = std::min(left, minutes_ * 60.0 - elapsed_seconds);
  return left;
}

}  // namespace sf::translator
