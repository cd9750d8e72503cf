// Tests for examples/common/svg_document: escaping, numbers, ticks, colours, the element writer.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "examples/common/svg_document.hpp"
#include "svg_checks.hpp"

using namespace sf::svg;

TEST_SUITE("ch13-translator") {
  TEST_CASE("svg: text is escaped - UTF-8 passes through") {
    CHECK(escape("a < b && c > \"d\" 'e'") == "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &apos;e&apos;");
    CHECK(escape("étudiant «ça»") == "étudiant «ça»");
    CHECK(escape(std::string("bell\x07")) == "bell?");
  }

  TEST_CASE("svg: numbers have a fixed format and no locale") {
    CHECK(number(2.5) == "2.5");
    CHECK(number(2.0) == "2");
    CHECK(number(1.005, 3) == "1.005");
    CHECK(number(3.14159) == "3.14");
    CHECK(number(-0.001) == "0");
    CHECK(number(1234567.0) == "1234567");
    CHECK_THROWS_WITH_AS(number(std::nan("")), doctest::Contains("not finite"), sf::ValueError);
  }

  TEST_CASE("svg: axis ticks") {
    const Ticks a = linear_ticks(0, 1, 5);
    CHECK(a.values.size() == 6);  // 0, 0.2, ..., 1
    CHECK(a.values[1] == doctest::Approx(0.2));
    CHECK(a.decimals == 1);
    const Ticks b = linear_ticks(3, 97, 5);  // step 20: 0 .. 100
    CHECK(b.values.front() == 0);
    CHECK(b.values.back() == 100);
    CHECK(b.decimals == 0);
    const Ticks l = log_ticks(0.05, 7);
    CHECK(l.values == std::vector<double>{0.01, 0.1, 1, 10});
    CHECK(tick_label(0.01, 2) == "0.01");
    CHECK(tick_label(1e-5, 5) == "1e-05");
    CHECK(tick_label(1e6, 0) == "1e+06");
    CHECK_THROWS_WITH_AS(linear_ticks(1, 1), doctest::Contains("low < high"), sf::ValueError);
    CHECK_THROWS_WITH_AS(log_ticks(0, 1), doctest::Contains("0 < low"), sf::ValueError);
  }

  TEST_CASE("svg: colours") {
    CHECK(rgb(255, 0, 16) == "#ff0010");
    CHECK(colour_at({"#000000", "#ffffff"}, 0.5) == "#808080");
    CHECK(colour_at({"#000000", "#ffffff"}, 2.0) == "#ffffff");  // clamped
    CHECK(is_dark("#440154"));
    CHECK_FALSE(is_dark("#fde725"));
    CHECK(series_colour(10) == series_colour(0));
    CHECK(text_width("été", 10) == doctest::Approx(18));  // three characters, not five bytes
  }

  TEST_CASE("svg: a document is well formed") {
    Document doc(100, 50);
    doc.vertical_gradient("g", {"#000000", "#ffffff"});
    doc.rect(0, 0, 10, 10, "url(#g)", "#444444");
    doc.line(0, 0, 5, 5, "#000000", 1, "4 2");
    doc.polyline({{0, 0}, {1.5, 2.25}}, "#ff0000");
    doc.text(5, 5, "<b> & é", 12, Anchor::start, -45);
    const std::string svg = doc.str();
    CHECK(svg_checks::problems(svg) == "");
    CHECK(svg.find("&lt;b&gt; &amp; é") != std::string::npos);
    CHECK(svg.find("points=\"0,0 1.5,2.25\"") != std::string::npos);
    CHECK(svg_checks::problems("<svg><g></svg>") != "");  // the checker does catch a mistake
  }
}
