// svg_document.hpp: the small layer under the charts: an SVG document built element by element,
// text escaping, number formatting, axis ticks and colour scales.
//
// Output is deterministic: numbers are written by std::to_chars (no locale, no printf) with at most
// two decimals, and elements appear in the order they are added, one per line. This is not a
// general SVG library: only the elements the charts in svg.hpp draw.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sf::svg {

/// Text made safe for XML: & < > " ' become entities; control characters other than tab and
/// newline (forbidden in XML 1.0) become '?'. UTF-8 passes through: escape("étudiant") == "étudiant".
std::string escape(std::string_view text);

/// A coordinate or a value: fixed notation, at most `decimals` decimals, trailing zeros dropped,
/// never "-0". Example: number(2.50) == "2.5", number(-0.001) == "0", number(3.14159, 3) == "3.142".
std::string number(double value, int decimals = 2);

/// Tick positions for an axis over [low, high]: about `count` round values (1, 2 or 5 times a
/// power of ten) that cover the range, and the decimals their labels need.
struct Ticks {
  std::vector<double> values;
  int decimals = 0;
};
Ticks linear_ticks(double low, double high, int count = 5);
/// Powers of ten from 10^floor(log10 low) to 10^ceil(log10 high), for a log-scale axis (low > 0).
Ticks log_ticks(double low, double high);
/// A tick label: "0.5", "1000"; powers of ten beyond 10^±4 as "1e-05", "1e+06".
std::string tick_label(double value, int decimals);

/// An "#rrggbb" colour from 0..255 channels.
std::string rgb(double r, double g, double b);
/// The i-th colour of the series palette (ten distinct colours, then it repeats).
std::string series_colour(std::size_t i);
/// A colour scale: t in [0, 1] mapped through evenly spaced "#rrggbb" stops.
std::string colour_at(const std::vector<std::string>& stops, double t);
/// Whether white text reads better than black on this background colour.
bool is_dark(const std::string& colour);
/// Rough width in pixels of a text in the default sans-serif font (0.6 em per character).
double text_width(std::string_view utf8, double font_size);

enum class Anchor { start, middle, end };

/// An SVG document under construction. Coordinates in pixels, y pointing down.
class Document {
 public:
  Document(double width, double height);

  void rect(double x, double y, double w, double h, const std::string& fill,
            const std::string& stroke = "none");
  void line(double x1, double y1, double x2, double y2, const std::string& stroke, double width = 1,
            const std::string& dash = "");
  void polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke,
                double width = 2);
  /// Text at (x, y) (the baseline), optionally rotated by `degrees` around that point.
  void text(double x, double y, std::string_view content, double size = 12, Anchor anchor = Anchor::middle,
            double degrees = 0, const std::string& fill = "#222222");
  /// A vertical gradient from stops.back() at the top to stops.front() at the bottom, usable as
  /// fill "url(#id)".
  void vertical_gradient(const std::string& id, const std::vector<std::string>& stops);

  /// The complete document.
  std::string str() const;

 private:
  double width_, height_;
  std::string defs_, body_;
};

}  // namespace sf::svg
