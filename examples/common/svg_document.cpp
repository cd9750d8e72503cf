// svg_document.cpp: escaping, number formatting, ticks, colours and the element writer.
#include "examples/common/svg_document.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "core/error.hpp"

namespace sf::svg {

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        const bool control = static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n';
        out += control ? '?' : c;
    }
  }
  return out;
}

std::string number(double value, int decimals) {
  if (!std::isfinite(value)) fail<ValueError>("svg: cannot write the number ", value, " (not finite)");
  std::array<char, 64> buffer{};
  auto [end, error] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed, decimals);
  if (error != std::errc()) fail<ValueError>("svg: number ", value, " is too large to write");
  std::string text(buffer.data(), end);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

Ticks linear_ticks(double low, double high, int count) {
  if (!(high > low)) fail<ValueError>("svg: an axis needs low < high, got [", low, ", ", high, "]");
  // The step is the round value (1, 2 or 5 times 10^k) nearest above (high − low) / count.
  const double raw = (high - low) / count;
  const int exponent = static_cast<int>(std::floor(std::log10(raw)));
  double power = 1;
  for (int k = 0; k < std::abs(exponent); ++k) power *= 10;  // exact powers of ten, unlike pow()
  if (exponent < 0) power = 1 / power;
  double step = 10 * power;
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * power >= raw * (1 - 1e-9)) {
      step = m * power;
      break;
    }
  }
  Ticks ticks;
  ticks.decimals = std::max(0, -exponent);
  const auto first = static_cast<std::int64_t>(std::floor(low / step + 1e-9));
  const auto last = static_cast<std::int64_t>(std::ceil(high / step - 1e-9));
  for (std::int64_t i = first; i <= last; ++i) ticks.values.push_back(static_cast<double>(i) * step);
  return ticks;
}

Ticks log_ticks(double low, double high) {
  if (!(low > 0) || !(high >= low))
    fail<ValueError>("svg: a log axis needs 0 < low <= high, got [", low, ", ", high, "]");
  Ticks ticks;
  const int first = static_cast<int>(std::floor(std::log10(low) + 1e-9));
  int last = static_cast<int>(std::ceil(std::log10(high) - 1e-9));
  if (last == first) ++last;
  for (int k = first; k <= last; ++k) {
    double value = 1;
    for (int j = 0; j < std::abs(k); ++j) value *= 10;
    ticks.values.push_back(k < 0 ? 1 / value : value);
  }
  ticks.decimals = std::max(0, -first);
  return ticks;
}

std::string tick_label(double value, int decimals) {
  const double magnitude = std::fabs(value);
  if (magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e5)) {
    const int exponent = static_cast<int>(std::lround(std::log10(magnitude)));
    const std::string sign = exponent < 0 ? "-" : "+";
    const std::string digits = std::to_string(std::abs(exponent));
    return std::string(value < 0 ? "-" : "") + "1e" + sign + (digits.size() < 2 ? "0" : "") + digits;
  }
  return number(value, decimals);
}

std::string rgb(double r, double g, double b) {
  static constexpr std::string_view hex = "0123456789abcdef";
  std::string out = "#";
  for (double channel : {r, g, b}) {
    const int v = std::clamp(static_cast<int>(std::lround(channel)), 0, 255);
    out += hex[static_cast<std::size_t>(v / 16)];
    out += hex[static_cast<std::size_t>(v % 16)];
  }
  return out;
}

std::string series_colour(std::size_t i) {
  // matplotlib's default colour cycle ("tab10").
  static const std::array<std::string, 10> palette = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return palette[i % palette.size()];
}

namespace {
std::array<double, 3> channels(const std::string& colour) {
  const auto byte = [&](std::size_t at) {
    return static_cast<double>(std::stoi(colour.substr(at, 2), nullptr, 16));
  };
  return {byte(1), byte(3), byte(5)};
}
}  // namespace

std::string colour_at(const std::vector<std::string>& stops, double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
  const double position = t * static_cast<double>(stops.size() - 1);
  const auto i = std::min(static_cast<std::size_t>(position), stops.size() - 2);
  const double f = position - static_cast<double>(i);
  const auto a = channels(stops[i]), b = channels(stops[i + 1]);
  return rgb(a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]));
}

bool is_dark(const std::string& colour) {
  const auto c = channels(colour);
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] < 128;  // Rec. 601 luma
}

double text_width(std::string_view utf8, double font_size) {
  double characters = 0;
  for (char c : utf8)
    characters += (static_cast<unsigned char>(c) & 0xC0) == 0x80 ? 0 : 1;  // count code points
  return characters * 0.6 * font_size;
}

Document::Document(double width, double height) : width_(width), height_(height) {}

void Document::rect(double x, double y, double w, double h, const std::string& fill,
                    const std::string& stroke) {
  body_ += "<rect x=\"" + number(x) + "\" y=\"" + number(y) + "\" width=\"" + number(w) + "\" height=\"" +
           number(h) + "\" fill=\"" + fill + "\"" + (stroke == "none" ? "" : " stroke=\"" + stroke + "\"") +
           "/>\n";
}

void Document::line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
                    const std::string& dash) {
  body_ += "<line x1=\"" + number(x1) + "\" y1=\"" + number(y1) + "\" x2=\"" + number(x2) + "\" y2=\"" +
           number(y2) + "\" stroke=\"" + stroke + "\" stroke-width=\"" + number(width) + "\"" +
           (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") + "/>\n";
}

void Document::polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke,
                        double width) {
  std::string list;
  for (const auto& [x, y] : points) {
    if (!list.empty()) list += ' ';
    list += number(x);
    list += ',';
    list += number(y);
  }
  body_ += "<polyline points=\"" + list + "\" fill=\"none\" stroke=\"" + stroke + "\" stroke-width=\"" +
           number(width) + "\"/>\n";
}

void Document::text(double x, double y, std::string_view content, double size, Anchor anchor, double degrees,
                    const std::string& fill) {
  static constexpr std::array<std::string_view, 3> anchors = {"start", "middle", "end"};
  body_ +=
      "<text x=\"" + number(x) + "\" y=\"" + number(y) + "\" font-size=\"" + number(size) +
      "\" text-anchor=\"" + std::string(anchors[static_cast<std::size_t>(anchor)]) + "\" fill=\"" + fill +
      "\"" +
      (degrees == 0 ? ""
                    : " transform=\"rotate(" + number(degrees) + " " + number(x) + " " + number(y) + ")\"") +
      ">" + escape(content) + "</text>\n";
}

void Document::vertical_gradient(const std::string& id, const std::vector<std::string>& stops) {
  defs_ += "<linearGradient id=\"" + escape(id) + "\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\n";
  for (std::size_t i = 0; i < stops.size(); ++i) {
    const double offset =
        stops.size() == 1 ? 0 : static_cast<double>(i) / static_cast<double>(stops.size() - 1);
    defs_ += "<stop offset=\"" + number(offset, 3) + "\" stop-color=\"" + stops[i] + "\"/>\n";
  }
  defs_ += "</linearGradient>\n";
}

std::string Document::str() const {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(width_) + "\" height=\"" +
         number(height_) + "\" viewBox=\"0 0 " + number(width_) + " " + number(height_) +
         "\" font-family=\"sans-serif\">\n" + (defs_.empty() ? "" : "<defs>\n" + defs_ + "</defs>\n") +
         "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body_ + "</svg>\n";
}

}  // namespace sf::svg
