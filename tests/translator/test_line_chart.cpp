// Tests for examples/common/line_chart: exact output of a tiny chart, escaping, gaps, bad data.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "examples/common/svg.hpp"
#include "svg_checks.hpp"

using namespace sf;

TEST_SUITE("ch13-translator") {
  TEST_CASE("line chart: exact output of a tiny chart") {
    // Any change to the layout or the number format shows up here; check the new picture by eye
    // before updating this text.
    svg::LineChart chart(
        {.title = "loss", .x_label = "step", .y_label = "nats", .width = 320, .height = 200});
    chart.add_series("train", {0, 1, 2}, {2.0, 1.0, 0.5});
    CHECK(
        chart.to_svg() ==
        R"svg(<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="160" y="24" font-size="16" text-anchor="middle" fill="#222222">loss</text>
<line x1="70" y1="145" x2="170" y2="145" stroke="#e5e5e5" stroke-width="1"/>
<text x="64" y="149" font-size="11" text-anchor="end" fill="#222222">0.5</text>
<line x1="70" y1="110" x2="170" y2="110" stroke="#e5e5e5" stroke-width="1"/>
<text x="64" y="114" font-size="11" text-anchor="end" fill="#222222">1</text>
<line x1="70" y1="75" x2="170" y2="75" stroke="#e5e5e5" stroke-width="1"/>
<text x="64" y="79" font-size="11" text-anchor="end" fill="#222222">1.5</text>
<line x1="70" y1="40" x2="170" y2="40" stroke="#e5e5e5" stroke-width="1"/>
<text x="64" y="44" font-size="11" text-anchor="end" fill="#222222">2</text>
<line x1="70" y1="145" x2="70" y2="150" stroke="#444444" stroke-width="1"/>
<text x="70" y="163" font-size="11" text-anchor="middle" fill="#222222">0</text>
<line x1="95" y1="145" x2="95" y2="150" stroke="#444444" stroke-width="1"/>
<text x="95" y="163" font-size="11" text-anchor="middle" fill="#222222">0.5</text>
<line x1="120" y1="145" x2="120" y2="150" stroke="#444444" stroke-width="1"/>
<text x="120" y="163" font-size="11" text-anchor="middle" fill="#222222">1</text>
<line x1="145" y1="145" x2="145" y2="150" stroke="#444444" stroke-width="1"/>
<text x="145" y="163" font-size="11" text-anchor="middle" fill="#222222">1.5</text>
<line x1="170" y1="145" x2="170" y2="150" stroke="#444444" stroke-width="1"/>
<text x="170" y="163" font-size="11" text-anchor="middle" fill="#222222">2</text>
<line x1="70" y1="40" x2="70" y2="145" stroke="#444444" stroke-width="1"/>
<line x1="70" y1="145" x2="170" y2="145" stroke="#444444" stroke-width="1"/>
<text x="120" y="186" font-size="12" text-anchor="middle" fill="#222222">step</text>
<text x="18" y="92.5" font-size="12" text-anchor="middle" fill="#222222" transform="rotate(-90 18 92.5)">nats</text>
<polyline points="70,40 120,110 170,145" fill="none" stroke="#1f77b4" stroke-width="2"/>
<line x1="185" y1="46" x2="205" y2="46" stroke="#1f77b4" stroke-width="2"/>
<text x="210" y="50" font-size="12" text-anchor="start" fill="#222222">train</text>
</svg>
)svg");
  }

  TEST_CASE("line chart: log scale - several series - a NaN gap - escaped names") {
    svg::LineChart chart({.title = "loss <train> & val", .y_label = "loss", .log_y = true});
    chart.add_series("train \"A\"", {0, 1, 2, 3}, {5.0, 1.0, std::nan(""), 0.02});
    chart.add_series("étudiant", {0, 3}, {3.0, 0.5});
    const std::string svg = chart.to_svg();
    CHECK(svg_checks::problems(svg) == "");
    CHECK(svg.find("loss &lt;train&gt; &amp; val") != std::string::npos);
    CHECK(svg.find("train &quot;A&quot;") != std::string::npos);
    CHECK(svg.find(">étudiant<") != std::string::npos);
    CHECK(svg.find(">0.01<") != std::string::npos);  // log ticks 0.01 .. 10
    CHECK(svg.find(">10<") != std::string::npos);
    std::size_t polylines = 0;
    for (std::size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1))
      ++polylines;
    CHECK(polylines == 3);  // the NaN splits the first series in two
  }

  TEST_CASE("line chart: bad data is refused with the series named") {
    svg::LineChart chart({.log_y = true});
    CHECK_THROWS_WITH_AS(chart.add_series("lr", {0, 1}, {1.0}),
                         doctest::Contains("'lr' has 2 x values but 1 y values"), ValueError);
    CHECK_THROWS_WITH_AS(chart.add_series("lr", {0, 1}, {1.0, 0.0}),
                         doctest::Contains("y[1] = 0 cannot be drawn on a log scale"), ValueError);
    CHECK_THROWS_WITH_AS(chart.add_series("lr", {}, {}), doctest::Contains("no points"), ValueError);
    CHECK_THROWS_WITH_AS(chart.to_svg(), doctest::Contains("nothing to draw"), ValueError);
  }

  TEST_CASE("line chart: save writes the file - or names the path it cannot write") {
    svg::LineChart chart({.title = "t"});
    chart.add_series("s", {0, 1}, {0, 1});
    const std::string path = (std::filesystem::temp_directory_path() / "sf_line_chart_test.svg").string();
    chart.save(path);
    std::ifstream in(path);
    std::stringstream contents;
    contents << in.rdbuf();
    CHECK(contents.str() == chart.to_svg());
    CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    std::filesystem::remove(path);
    CHECK_THROWS_WITH_AS(chart.save("/nonexistent/dir/loss.svg"),
                         doctest::Contains("cannot write '/nonexistent/dir/loss.svg'"), IOError);
  }
}
