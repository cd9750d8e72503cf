// Tests for examples/common/bar_chart: bars, reference line, legend, bad data.
#include <doctest/doctest.h>

#include <cmath>

#include "core/error.hpp"
#include "examples/common/svg.hpp"
#include "svg_checks.hpp"

using namespace sf;

TEST_SUITE("ch13-translator") {
  TEST_CASE("bar chart: grouped bars under a reference line") {
    svg::BarChart chart({.title = "matmul",
                         .y_label = "GFLOP/s",
                         .groups = {"64", "256"},
                         .reference = 96.0,
                         .reference_label = "peak < 100"});
    chart.add_series("naive", {1.5, 0.9});
    chart.add_series("packed", {40, 81});
    const std::string svg = chart.to_svg();
    CHECK(svg_checks::problems(svg) == "");
    std::size_t bars = 0;
    for (std::size_t at = svg.find("<rect x="); at != std::string::npos; at = svg.find("<rect x=", at + 1))
      ++bars;
    CHECK(bars == 4 + 2);  // two groups of two bars, two legend boxes
    CHECK(svg.find("stroke-dasharray=\"6 4\"") != std::string::npos);
    CHECK(svg.find(">peak &lt; 100<") != std::string::npos);
    CHECK(svg.find(">100<") != std::string::npos);  // the axis reaches above the reference
  }

  TEST_CASE("bar chart: bad data is refused") {
    CHECK_THROWS_WITH_AS(svg::BarChart({}), doctest::Contains("at least one group"), ValueError);
    svg::BarChart chart({.groups = {"a", "b"}});
    CHECK_THROWS_WITH_AS(chart.add_series("x", {1}), doctest::Contains("'x' has 1 values for 2 groups"),
                         ValueError);
    CHECK_THROWS_WITH_AS(chart.add_series("x", {1, -2}), doctest::Contains("must be finite and >= 0"),
                         ValueError);
    CHECK_THROWS_WITH_AS(chart.to_svg(), doctest::Contains("no series"), ValueError);
  }
}
