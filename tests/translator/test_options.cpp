// Tests for examples/translator/options.cpp and run_options.cpp: the translator's command line.
#include <doctest/doctest.h>

#include "core/error.hpp"
#include "examples/translator/options.hpp"
#include "examples/translator/run_options.hpp"

using namespace sf;
using namespace sf::translator;

namespace {
Options train_options() {
  Options o("translator train [options]", "Trains a model.");
  o.add("steps", "N", "training steps", "1000")
      .add("lr", "RATE", "peak learning rate", "0.001")
      .add("out", "DIR", "output");
  o.add_flag("resume", "continue from the latest checkpoint");
  return o;
}
}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE("options: values, defaults, flags and positional arguments") {
    Options o = train_options();
    o.parse({"--steps", "250", "--lr=3e-4", "--resume", "hello"});
    CHECK(o.integer("steps") == 250);
    CHECK(o.number("lr") == doctest::Approx(3e-4));
    CHECK(o.flag("resume"));
    CHECK(o.given("steps"));
    CHECK_FALSE(o.given("out"));
    CHECK(o.text("out").empty());
    CHECK(o.positional() == std::vector<std::string>{"hello"});
    Options d = train_options();
    d.parse({});
    CHECK(d.integer("steps") == 1000);
    CHECK_FALSE(d.flag("resume"));
  }

  TEST_CASE("options: unknown options, missing values and bad numbers are clear errors") {
    Options o = train_options();
    CHECK_THROWS_WITH_AS(o.parse({"--stpes", "3"}), "unknown option --stpes (see --help)", ValueError);
    Options m = train_options();
    CHECK_THROWS_WITH_AS(m.parse({"--steps"}), "option --steps needs a value (N)", ValueError);
    Options f = train_options();
    CHECK_THROWS_WITH_AS(f.parse({"--resume=yes"}), "option --resume takes no value", ValueError);
    Options n = train_options();
    n.parse({"--steps", "12x", "--lr", "fast"});
    CHECK_THROWS_WITH_AS(n.integer("steps"), "option --steps expects a whole number, got '12x'", ValueError);
    CHECK_THROWS_WITH_AS(n.number("lr"), "option --lr expects a number, got 'fast'", ValueError);
    Options z = train_options();
    z.parse({"--steps", "0"});
    CHECK_THROWS_WITH_AS(z.integer("steps", 1), "option --steps must be at least 1, got 0", ValueError);
  }

  TEST_CASE("options: the help text lists every option with its default") {
    const std::string h = train_options().help();
    CHECK(h.find("usage: translator train [options]") == 0);
    CHECK(h.find("--steps N") != std::string::npos);
    CHECK(h.find("(default: 1000)") != std::string::npos);
    CHECK(h.find("--resume") != std::string::npos);
  }

  TEST_CASE("run options: each default is RunConfig's, and each option given sets its field") {
    const RunConfig d;
    Options o("translator train [options]", "Trains a model.");
    add_run_options(o);
    const std::string h = o.help();
    CHECK(h.find("--steps N") != std::string::npos);
    CHECK(h.find("optimizer steps (default: " + std::to_string(d.steps) + ")") != std::string::npos);
    CHECK(h.find("(default: 0.002)") != std::string::npos);  // d.lr
    CHECK(h.find("(default: " + d.schedule + ")") != std::string::npos);
    o.parse({"--steps", "7", "--lr=0.5", "--preset", "medium", "--seed", "9"});
    const RunConfig c = read_run_options(o);
    CHECK(c.steps == 7);
    CHECK(c.lr == 0.5);
    CHECK(c.preset == "medium");
    CHECK(c.seed == 9);
    CHECK(c.dropout == d.dropout);  // not given: RunConfig's default, exactly
    CHECK(c.d_model == 0);
    Options bad("translator train [options]", "Trains a model.");
    add_run_options(bad);
    bad.parse({"--d-model", "1"});
    CHECK_THROWS_WITH_AS(read_run_options(bad), "option --d-model must be at least 2, got 1", ValueError);
  }
}
