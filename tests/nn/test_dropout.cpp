// Tests for nn/dropout.cpp: the Dropout module, identity in evaluation, seeded and reproducible.
#include "nn/nn.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::test::check_values;
using sf::test::Inputs;

TEST_SUITE("ch08-layer-norm") {
  TEST_CASE("in training about p of the elements are zeroed and the rest scaled by 1/(1-p)") {
    Generator gen(1);
    Dropout drop({.p = 0.25}, gen);
    const auto y = drop(ones({10000})).to_vector<double>();
    int zeros = 0;
    for (double v : y) {
      CHECK((v == 0 || std::fabs(v - 1 / 0.75) < 1e-6));
      zeros += v == 0;
    }
    CHECK(std::abs(zeros - 2500) < 150);  // binomial: std ≈ 43
  }

  TEST_CASE("in evaluation dropout is the identity (the same tensor)") {
    Dropout drop({.p = 0.5});
    drop.eval();
    Tensor x = ones({4});
    CHECK(drop(x).is_same(x));
  }

  TEST_CASE("the same seed gives the same mask, and the generator moves on") {
    Generator a(7), b(7);
    Dropout da({.p = 0.5}, a), db({.p = 0.5}, b);
    const Tensor first = da(ones({64}));
    CHECK(sf::test::same_values(first, db(ones({64}))));
    CHECK_FALSE(sf::test::same_values(first, da(ones({64}))));
    CHECK(a.state().counter == 128);
  }

  TEST_CASE("Dropout checks its probability") {
    CHECK_THROWS_WITH_AS(Dropout({.p = 1.0}), "Dropout: probability must be in [0, 1), got 1", ValueError);
  }
}
