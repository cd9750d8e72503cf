// line_chart.cpp: axes, grid, curves and legend of a LineChart (see svg.hpp).
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "examples/common/svg.hpp"
#include "examples/common/svg_document.hpp"

namespace sf::svg {

LineChart::LineChart(LineChartConfig config) : config_(std::move(config)) {}

void LineChart::add_series(std::string name, std::vector<double> xs, std::vector<double> ys) {
  if (xs.size() != ys.size())
    fail<ValueError>("LineChart::add_series: '", name, "' has ", xs.size(), " x values but ", ys.size(),
                     " y values");
  if (xs.empty()) fail<ValueError>("LineChart::add_series: '", name, "' has no points");
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (!std::isfinite(xs[i]))
      fail<ValueError>("LineChart::add_series: '", name, "' x[", i, "] is not finite");
    if (config_.log_y && std::isfinite(ys[i]) && ys[i] <= 0)
      fail<ValueError>("LineChart::add_series: '", name, "' y[", i, "] = ", ys[i],
                       " cannot be drawn on a log scale");
  }
  series_.push_back({std::move(name), std::move(xs), std::move(ys)});
}

std::string LineChart::to_svg() const {
  constexpr double inf = std::numeric_limits<double>::infinity();
  double x_low = inf, x_high = -inf, y_low = inf, y_high = -inf;
  for (const Series& s : series_) {
    for (std::size_t i = 0; i < s.xs.size(); ++i) {
      x_low = std::min(x_low, s.xs[i]), x_high = std::max(x_high, s.xs[i]);
      if (std::isfinite(s.ys[i])) y_low = std::min(y_low, s.ys[i]), y_high = std::max(y_high, s.ys[i]);
    }
  }
  if (series_.empty() || !std::isfinite(y_low))
    fail<ValueError>("LineChart: nothing to draw (no finite points)");
  if (x_high == x_low) x_low -= 1, x_high += 1;
  if (y_high == y_low && !config_.log_y) y_low -= 1, y_high += 1;
  const Ticks x_ticks = linear_ticks(x_low, x_high, 6);
  const Ticks y_ticks = config_.log_y ? log_ticks(y_low, y_high) : linear_ticks(y_low, y_high, 5);
  // y is drawn in log10 units on a log scale.
  const auto scaled = [&](double y) { return config_.log_y ? std::log10(y) : y; };
  const double left = 70, right = config_.width - 150, top = 40, bottom = config_.height - 55;
  const double x0 = x_ticks.values.front(), x1 = x_ticks.values.back();
  const double t0 = scaled(y_ticks.values.front()), t1 = scaled(y_ticks.values.back());
  const auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * (right - left); };
  const auto py = [&](double y) { return bottom - (scaled(y) - t0) / (t1 - t0) * (bottom - top); };

  Document doc(config_.width, config_.height);
  doc.text(config_.width / 2, 24, config_.title, 16);
  for (double y : y_ticks.values) {
    doc.line(left, py(y), right, py(y), "#e5e5e5");
    doc.text(left - 6, py(y) + 4, tick_label(y, y_ticks.decimals), 11, Anchor::end);
  }
  for (double x : x_ticks.values) {
    doc.line(px(x), bottom, px(x), bottom + 5, "#444444");
    doc.text(px(x), bottom + 18, tick_label(x, x_ticks.decimals), 11);
  }
  doc.line(left, top, left, bottom, "#444444");
  doc.line(left, bottom, right, bottom, "#444444");
  doc.text((left + right) / 2, config_.height - 14, config_.x_label, 12);
  doc.text(18, (top + bottom) / 2, config_.y_label, 12, Anchor::middle, -90);
  for (std::size_t k = 0; k < series_.size(); ++k) {
    const Series& s = series_[k];
    std::vector<std::pair<double, double>> points;
    for (std::size_t i = 0; i <= s.xs.size(); ++i) {
      if (i < s.xs.size() && std::isfinite(s.ys[i])) {
        points.push_back({px(s.xs[i]), py(s.ys[i])});
      } else if (!points.empty()) {  // a gap or the end: draw what we have
        doc.polyline(points, series_colour(k));
        points.clear();
      }
    }
    const double legend_y = top + 10 + 20 * static_cast<double>(k);
    doc.line(right + 15, legend_y - 4, right + 35, legend_y - 4, series_colour(k), 2);
    doc.text(right + 40, legend_y, s.name, 12, Anchor::start);
  }
  return doc.str();
}

void LineChart::save(const std::string& path) const { io::write_file_atomically(path, to_svg()); }

}  // namespace sf::svg
