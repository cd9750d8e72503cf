// heat_map.cpp: cells, labels, annotations and colour bar of a HeatMap (see svg.hpp).
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "examples/common/svg.hpp"
#include "examples/common/svg_document.hpp"

namespace sf::svg {
namespace {

const std::vector<std::string>& stops(Palette palette) {
  // Five samples of matplotlib's viridis, and a blue-white-red scale (Moreland's "cool to warm" ends).
  static const std::vector<std::string> sequential = {"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"};
  static const std::vector<std::string> diverging = {"#3b4cc0", "#f7f7f7", "#b40426"};
  return palette == Palette::sequential ? sequential : diverging;
}

std::string cell_text(double value, int decimals) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  return number(value, decimals);
}

}  // namespace

HeatMap::HeatMap(HeatMapConfig config, std::int64_t rows, std::int64_t columns, std::vector<double> values)
    : config_(std::move(config)), rows_(rows), columns_(columns), values_(std::move(values)) {
  if (rows < 1 || columns < 1)
    fail<ValueError>("HeatMap: needs at least one row and one column, got ", rows, "x", columns);
  if (static_cast<std::int64_t>(values_.size()) != rows * columns)
    fail<ValueError>("HeatMap: ", rows, "x", columns, " needs ", rows * columns, " values, got ",
                     values_.size());
  if (!config_.row_labels.empty() && static_cast<std::int64_t>(config_.row_labels.size()) != rows)
    fail<ValueError>("HeatMap: ", config_.row_labels.size(), " row labels for ", rows, " rows");
  if (!config_.column_labels.empty() && static_cast<std::int64_t>(config_.column_labels.size()) != columns)
    fail<ValueError>("HeatMap: ", config_.column_labels.size(), " column labels for ", columns, " columns");
  if (config_.decimals < 0 || config_.decimals > 6)
    fail<ValueError>("HeatMap: decimals must be in 0..6, got ", config_.decimals);
}

std::string HeatMap::to_svg() const {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (double v : values_)
    if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
  if (!std::isfinite(low)) low = 0, high = 1;  // nothing finite: every cell is grey anyway
  if (config_.palette == Palette::diverging) high = std::max(std::fabs(low), std::fabs(high)), low = -high;
  if (high == low) high = low + 1;

  const double cell = config_.cell_size, label_size = 12;
  double row_label_width = 0, column_label_width = 0;
  for (const auto& l : config_.row_labels)
    row_label_width = std::max(row_label_width, text_width(l, label_size));
  for (const auto& l : config_.column_labels)
    column_label_width = std::max(column_label_width, text_width(l, label_size));
  const double left = 30 + row_label_width + 8, top = 44;
  const double right = left + cell * static_cast<double>(columns_),
               bottom = top + cell * static_cast<double>(rows_);
  const double below = column_label_width * 0.71 + 16;  // labels at 45 degrees
  const double width = right + 100, height = bottom + below + 30;

  Document doc(width, height);
  doc.text(width / 2, 24, config_.title, 16);
  for (std::int64_t r = 0; r < rows_; ++r) {
    for (std::int64_t c = 0; c < columns_; ++c) {
      const double v = values_[static_cast<std::size_t>(r * columns_ + c)];
      const std::string fill =
          std::isfinite(v) ? colour_at(stops(config_.palette), (v - low) / (high - low)) : "#d9d9d9";
      const double x = left + cell * static_cast<double>(c), y = top + cell * static_cast<double>(r);
      doc.rect(x, y, cell, cell, fill);
      if (config_.annotate)
        doc.text(x + cell / 2, y + cell / 2 + 4, cell_text(v, config_.decimals), std::min(11.0, cell * 0.3),
                 Anchor::middle, 0, is_dark(fill) ? "#ffffff" : "#000000");
    }
  }
  for (std::size_t r = 0; r < config_.row_labels.size(); ++r)
    doc.text(left - 6, top + cell * (static_cast<double>(r) + 0.5) + 4, config_.row_labels[r], label_size,
             Anchor::end);
  for (std::size_t c = 0; c < config_.column_labels.size(); ++c)
    doc.text(left + cell * (static_cast<double>(c) + 0.5) + 4, bottom + 12, config_.column_labels[c],
             label_size, Anchor::end, -45);
  doc.text((left + right) / 2, height - 8, config_.x_label, 12);
  doc.text(14, (top + bottom) / 2, config_.y_label, 12, Anchor::middle, -90);
  // The colour bar: the scale from low (bottom) to high (top), labelled at both ends and the middle.
  doc.vertical_gradient("scale", stops(config_.palette));
  const double bar_x = right + 20, bar_height = std::max(60.0, bottom - top);
  doc.rect(bar_x, top, 14, bar_height, "url(#scale)", "#444444");
  for (double f : {0.0, 0.5, 1.0})
    doc.text(bar_x + 20, top + bar_height * (1 - f) + 4, number(low + f * (high - low), config_.decimals), 10,
             Anchor::start);
  return doc.str();
}

void HeatMap::save(const std::string& path) const { io::write_file_atomically(path, to_svg()); }

}  // namespace sf::svg
