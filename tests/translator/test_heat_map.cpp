// Tests for examples/common/heat_map: labels, annotations, masked cells, palettes, bad shapes.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "examples/common/svg.hpp"
#include "svg_checks.hpp"

using namespace sf;

TEST_SUITE("ch13-translator") {
  TEST_CASE("heat map: an attention matrix with words and a causal mask") {
    const double inf = std::numeric_limits<double>::infinity();
    svg::HeatMap map({.title = "attention",
                      .row_labels = {"l'", "étudiant"},
                      .column_labels = {"the", "<s>"},
                      .annotate = true},
                     2, 2, {1.0, -inf, 0.25, 0.75});
    const std::string svg = map.to_svg();
    CHECK(svg_checks::problems(svg) == "");
    CHECK(svg.find(">l&apos;<") != std::string::npos);
    CHECK(svg.find(">étudiant<") != std::string::npos);
    CHECK(svg.find(">&lt;s&gt;<") != std::string::npos);
    CHECK(svg.find("fill=\"#d9d9d9\"") != std::string::npos);  // the masked cell is grey
    CHECK(svg.find(">-inf<") != std::string::npos);
    CHECK(svg.find("fill=\"#fde725\"") != std::string::npos);  // the largest value is the top colour
    CHECK(svg.find("fill=\"#440154\"") != std::string::npos);  // the smallest is the bottom one
    CHECK(svg.find(">0.25<") != std::string::npos);            // annotation and colour-bar label
    CHECK(svg.find("<linearGradient id=\"scale\"") != std::string::npos);
  }

  TEST_CASE("heat map: the diverging palette is symmetric around 0") {
    svg::HeatMap map({.palette = svg::Palette::diverging}, 1, 3, {-0.5, 0.0, 1.0});
    const std::string svg = map.to_svg();
    CHECK(svg.find("fill=\"#f7f7f7\"") != std::string::npos);  // 0 is white
    CHECK(svg.find("fill=\"#b40426\"") != std::string::npos);  // +1 is full red
    CHECK(svg.find(">-1<") != std::string::npos);              // the scale runs from -1 to 1
  }

  TEST_CASE("heat map: wrong sizes are refused") {
    CHECK_THROWS_WITH_AS(svg::HeatMap({}, 2, 3, {1, 2, 3}), doctest::Contains("2x3 needs 6 values, got 3"),
                         ValueError);
    CHECK_THROWS_WITH_AS(svg::HeatMap({.row_labels = {"a"}}, 2, 1, {1, 2}),
                         doctest::Contains("1 row labels for 2 rows"), ValueError);
    CHECK_THROWS_WITH_AS(svg::HeatMap({}, 0, 1, {}), doctest::Contains("at least one row"), ValueError);
  }
}
