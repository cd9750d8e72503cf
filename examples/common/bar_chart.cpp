// bar_chart.cpp: grouped bars, the reference line and the legend of a BarChart (see svg.hpp).
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "examples/common/svg.hpp"
#include "examples/common/svg_document.hpp"

namespace sf::svg {

BarChart::BarChart(BarChartConfig config) : config_(std::move(config)) {
  if (config_.groups.empty()) fail<ValueError>("BarChart: needs at least one group label");
  if (config_.reference && !(std::isfinite(*config_.reference) && *config_.reference >= 0))
    fail<ValueError>("BarChart: the reference line must be finite and >= 0, got ", *config_.reference);
}

void BarChart::add_series(std::string name, std::vector<double> values) {
  if (values.size() != config_.groups.size())
    fail<ValueError>("BarChart::add_series: '", name, "' has ", values.size(), " values for ",
                     config_.groups.size(), " groups");
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!(std::isfinite(values[i]) && values[i] >= 0))
      fail<ValueError>("BarChart::add_series: '", name, "' value ", i, " (", values[i],
                       ") must be finite and >= 0");
  series_.push_back({std::move(name), std::move(values)});
}

std::string BarChart::to_svg() const {
  if (series_.empty()) fail<ValueError>("BarChart: nothing to draw (no series)");
  double highest = config_.reference.value_or(0);
  for (const Series& s : series_)
    for (double v : s.values) highest = std::max(highest, v);
  const Ticks ticks = linear_ticks(0, highest > 0 ? highest : 1, 5);
  const double left = 70, right = config_.width - 150, top = 40, bottom = config_.height - 55;
  const double y_top = ticks.values.back();
  const auto py = [&](double y) { return bottom - y / y_top * (bottom - top); };
  const double group_width = (right - left) / static_cast<double>(config_.groups.size());
  const double bar_width = group_width * 0.8 / static_cast<double>(series_.size());

  Document doc(config_.width, config_.height);
  doc.text(config_.width / 2, 24, config_.title, 16);
  for (double y : ticks.values) {
    doc.line(left, py(y), right, py(y), "#e5e5e5");
    doc.text(left - 6, py(y) + 4, tick_label(y, ticks.decimals), 11, Anchor::end);
  }
  for (std::size_t g = 0; g < config_.groups.size(); ++g) {
    const double group_left = left + group_width * static_cast<double>(g) + group_width * 0.1;
    for (std::size_t k = 0; k < series_.size(); ++k) {
      const double v = series_[k].values[g];
      doc.rect(group_left + bar_width * static_cast<double>(k), py(v), bar_width, bottom - py(v),
               series_colour(k));
    }
    doc.text(left + group_width * (static_cast<double>(g) + 0.5), bottom + 18, config_.groups[g], 11);
  }
  doc.line(left, top, left, bottom, "#444444");
  doc.line(left, bottom, right, bottom, "#444444");
  if (config_.reference) {
    doc.line(left, py(*config_.reference), right, py(*config_.reference), "#000000", 1.5, "6 4");
    doc.text(right, py(*config_.reference) - 5, config_.reference_label, 11, Anchor::end);
  }
  doc.text((left + right) / 2, config_.height - 14, config_.x_label, 12);
  doc.text(18, (top + bottom) / 2, config_.y_label, 12, Anchor::middle, -90);
  for (std::size_t k = 0; k < series_.size(); ++k) {
    const double legend_y = top + 10 + 20 * static_cast<double>(k);
    doc.rect(right + 15, legend_y - 10, 14, 12, series_colour(k));
    doc.text(right + 36, legend_y, series_[k].name, 12, Anchor::start);
  }
  return doc.str();
}

void BarChart::save(const std::string& path) const { io::write_file_atomically(path, to_svg()); }

}  // namespace sf::svg
