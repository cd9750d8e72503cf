// progress.cpp: drawing the progress line.
#include "examples/translator/progress.hpp"

#include <iomanip>
#include <ostream>
#include <sstream>

namespace sf::translator {

void ProgressBar::update(std::int64_t step, std::int64_t total, double loss, double lr,
                         double tokens_per_second, double seconds_left) {
  // The loss of one batch is noisy: show an exponential moving average over about 50 steps.
  smoothed_loss_ = smoothed_loss_ < 0 ? loss : 0.98 * smoothed_loss_ + 0.02 * loss;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  const bool milestone = total > 10 && step % (total / 10) == 0;
  if (interactive_ ? since < 0.2 && step != total : !milestone) return;
  last_draw_ = now;
  const int width = 24;
  const int filled = static_cast<int>(width * static_cast<double>(step) / static_cast<double>(total));
  std::ostringstream line;
  line << "step " << std::setw(5) << step << '/' << total << " ["
       << std::string(static_cast<std::size_t>(filled), '=')
       << std::string(static_cast<std::size_t>(width - filled), ' ') << "] loss " << std::fixed
       << std::setprecision(3) << smoothed_loss_ << "  lr " << std::scientific << std::setprecision(2) << lr
       << "  " << std::fixed << std::setprecision(0) << tokens_per_second << " tok/s  "
       << static_cast<long>(seconds_left) / 60 << ':' << std::setw(2) << std::setfill('0')
       << static_cast<long>(seconds_left) % 60 << " left";
  if (interactive_) {
    out_ << '\r' << line.str() << "\x1b[K" << std::flush;
    open_line_ = true;
  } else {
    out_ << line.str() << std::endl;  // a log shows progress as it happens
  }
}

void ProgressBar::finish() {
  if (open_line_) out_ << '\n';
  open_line_ = false;
}

}  // namespace sf::translator
