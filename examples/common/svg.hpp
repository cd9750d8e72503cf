// svg.hpp: three kinds of picture the examples draw, written as standalone SVG files.
//
//   LineChart  several named series against x, optional log-scale y (loss curves, learning rates)
//   HeatMap    a matrix with words on its rows and columns and a colour bar (attention weights, the
//              positional-encoding table, a causal mask whose -inf cells show grey)
//   BarChart   groups of bars and an optional horizontal reference line (GFLOP/s of each matmul
//              variant against the machine's peak)
//
//   svg::LineChart chart({.title = "Training", .x_label = "step", .y_label = "loss", .log_y = true});
//   chart.add_series("train loss", steps, losses);
//   chart.save("loss.svg");
//
// The same data always gives the same bytes (see svg_document.hpp). Text is escaped and may be any
// UTF-8 ("étudiant"). Bad data (sizes that do not match, log scale with y <= 0, ...) throws
// sf::ValueError naming what is wrong; save() throws sf::IOError naming the path. Not a plotting
// library: no subplots, no styles beyond these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sf::svg {

struct LineChartConfig {
  std::string title{}, x_label{}, y_label{};
  bool log_y = false;
  double width = 640, height = 400;
};

class LineChart {
 public:
  explicit LineChart(LineChartConfig config);
  /// Adds one curve. Non-finite y values (a NaN loss) leave a gap in the line.
  void add_series(std::string name, std::vector<double> xs, std::vector<double> ys);
  std::string to_svg() const;
  void save(const std::string& path) const;

 private:
  struct Series {
    std::string name;
    std::vector<double> xs, ys;
  };
  LineChartConfig config_;
  std::vector<Series> series_;
};

enum class Palette {
  sequential,  // dark purple (lowest) to yellow (highest), viridis-like: probabilities, weights
  diverging,   // blue (negative), white (0), red (positive), symmetric: sines, signed values
};

struct HeatMapConfig {
  std::string title{}, x_label{}, y_label{};
  std::vector<std::string> row_labels{}, column_labels{};  // empty, or one per row / column
  Palette palette = Palette::sequential;
  bool annotate = false;  // write each value in its cell (for small matrices)
  int decimals = 2;       // of annotations and colour-bar labels
  double cell_size = 32;
};

class HeatMap {
 public:
  /// `values` holds rows × columns numbers, row by row. -inf and NaN cells are drawn grey.
  /// Example: svg::HeatMap map({.title = "attention", .row_labels = fr, .column_labels = en}, 3, 4, weights);
  HeatMap(HeatMapConfig config, std::int64_t rows, std::int64_t columns, std::vector<double> values);
  std::string to_svg() const;
  void save(const std::string& path) const;

 private:
  HeatMapConfig config_;
  std::int64_t rows_, columns_;
  std::vector<double> values_;
};

struct BarChartConfig {
  std::string title{}, x_label{}, y_label{};
  std::vector<std::string> groups{};  // one label per group of bars, along x
  std::optional<double> reference{};  // a dashed horizontal line at this y, e.g. the machine's peak
  std::string reference_label{};
  double width = 640, height = 400;
};

class BarChart {
 public:
  explicit BarChart(BarChartConfig config);
  /// One bar per group, in the series' colour. Values must be finite and >= 0.
  /// Example: chart.add_series("packed", {12.5, 40.1, 61.0});
  void add_series(std::string name, std::vector<double> values);
  std::string to_svg() const;
  void save(const std::string& path) const;

 private:
  struct Series {
    std::string name;
    std::vector<double> values;
  };
  BarChartConfig config_;
  std::vector<Series> series_;
};

}  // namespace sf::svg
