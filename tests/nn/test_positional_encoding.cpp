// Tests for nn/positional_encoding.cpp: the paper's sinusoids and the identities they satisfy.
#include "nn/nn.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::test::check_values;
using sf::test::Inputs;

namespace {
double distance(const Tensor& pe, std::int64_t p, std::int64_t q) {
  return std::sqrt(sum(pow(pe[p] - pe[q], 2.0)).item());
}
}  // namespace

TEST_SUITE("ch07-positional-encoding") {
  TEST_CASE("the table for d_model = 4, positions 0 to 3") {
    // columns: sin(p), cos(p), sin(p/100), cos(p/100)   (10000^(2/4) = 100)
    check_values(sinusoidal_encoding(4, 4), {0, 1, 0, 1,                       //
                                             0.8415, 0.5403, 0.0100, 1.0000,   //
                                             0.9093, -0.4161, 0.0200, 0.9998,  //
                                             0.1411, -0.9900, 0.0300, 0.9996});
  }

  TEST_CASE("every position's vector has the same norm, sqrt(d_model / 2)") {
    const Tensor pe = sinusoidal_encoding(100, 16, kFloat64);
    check_values(sqrt(sum(pe * pe, -1)), std::vector<double>(100, std::sqrt(8.0)), 1e-12);
  }

  TEST_CASE("the distance between two positions depends only on their offset") {
    const Tensor pe = sinusoidal_encoding(200, 64, kFloat64);
    for (std::int64_t offset : {1, 5, 17})
      for (std::int64_t p : {0, 9, 120})
        CHECK(distance(pe, p, p + offset) == doctest::Approx(distance(pe, 0, offset)).epsilon(1e-9));
  }

  TEST_CASE("at d_model = 512 the distance grows with the offset but not monotonically") {
    const Tensor pe = sinusoidal_encoding(64, 512, kFloat64);
    const double expected[] = {0, 3.714, 6.967, 9.408, 10.891, 11.524};
    for (int o = 0; o < 6; ++o) CHECK(distance(pe, 0, o) == doctest::Approx(expected[o]).epsilon(1e-3));
    for (int o : {44, 50, 56}) CHECK(distance(pe, 0, o) < distance(pe, 0, o - 1));  // dips
  }

  TEST_CASE("at d_model = 4 it is nearly periodic: offset 6 is closer than offset 1") {
    const Tensor pe = sinusoidal_encoding(8, 4, kFloat64);
    CHECK(distance(pe, 0, 6) == doctest::Approx(0.289).epsilon(2e-3));
    CHECK(distance(pe, 0, 1) == doctest::Approx(0.959).epsilon(2e-3));
  }

  TEST_CASE("forward scales the embeddings by sqrt(d_model), adds PE from `start`, and checks max_len") {
    PositionalEncoding pe({.d_model = 4, .max_len = 10, .dropout = 0.0});
    Tensor x = ones({2, 3, 4});
    Tensor y = pe(x);
    check_values(y[1][2], (sinusoidal_encoding(3, 4)[2] + 2.0).to_vector<double>(), 1e-6);
    check_values(pe(x, 7)[0][0], (sinusoidal_encoding(8, 4)[7] + 2.0).to_vector<double>(), 1e-6);
    CHECK_THROWS_WITH_AS(
        pe(ones({1, 11, 4})),
        "PositionalEncoding: positions 0..10 are needed but max_len is 10 (raise max_len in the config)",
        ValueError);
    CHECK_THROWS_AS(pe(x, 8), ValueError);
    CHECK_THROWS_AS(pe(ones({2, 3, 5})), ShapeError);
    CHECK(pe.state_dict().empty());  // the table is a formula, not saved
  }

  TEST_CASE("gradcheck: PositionalEncoding with respect to the embeddings") {
    PositionalEncoding pe({.d_model = 4, .max_len = 8, .dropout = 0.0, .dtype = kFloat64});
    CHECK_GRADCHECK([&](const Inputs& in) { return pe(in[0], 2); }, {sf::test::rand64({2, 3, 4}, 1)},
                    {.name = "PositionalEncoding"});
  }
}
