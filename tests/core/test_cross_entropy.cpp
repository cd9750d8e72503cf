// Tests for core/ops/cross_entropy.cpp: cross-entropy with padding ignored and label smoothing.
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

namespace {
Tensor targets(const std::vector<double>& v, const Shape& s) { return tensor(v, s, {.dtype = kInt64}); }
}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE("cross-entropy on numbers a reader can check") {
    // logits (1, 2, 3), right class 2: -log(e³ / (e + e² + e³)) = log(1 + e⁻¹ + e⁻²) = 0.407606
    CHECK(cross_entropy(tensor({1, 2, 3}, {1, 3}), targets({2}, {1})).item() ==
          doctest::Approx(0.407606).epsilon(1e-6));
    // uniform logits over 4 classes: log 4, whatever the target
    CHECK(cross_entropy(zeros({2, 4}), targets({0, 3}, {2})).item() ==
          doctest::Approx(std::log(4.0)).epsilon(1e-6));
  }

  TEST_CASE("label smoothing mixes in the mean log-probability over all classes") {
    // ε = 0.1 on logits (1, 2, 3), target 2: 0.9·0.407606 + 0.1·mean(1.407606, 2.407606... ) → mean of -log p
    const double lp[] = {-2.407606, -1.407606, -0.407606};
    const double expected = 0.9 * -lp[2] + 0.1 * -(lp[0] + lp[1] + lp[2]) / 3;
    CHECK(cross_entropy(tensor({1, 2, 3}, {1, 3}), targets({2}, {1}), -100, 0.1).item() ==
          doctest::Approx(expected).epsilon(1e-6));
  }

  TEST_CASE("ignored positions (padding) do not count, in the loss or the mean") {
    Tensor logits = tensor({1, 2, 3, 9, 9, 9}, {2, 3});
    CHECK(cross_entropy(logits, targets({2, 0}, {2}), /*ignore_index=*/0).item() ==
          doctest::Approx(cross_entropy(tensor({1, 2, 3}, {1, 3}), targets({2}, {1})).item()));
    CHECK(cross_entropy(logits, targets({0, 0}, {2}), 0).item() == 0);  // nothing to count
  }

  TEST_CASE("stable for huge logits: no overflow, no log(0)") {
    const double loss = cross_entropy(tensor({1000, 0, -1000}, {1, 3}), targets({1}, {1}), -100, 0.1).item();
    CHECK(std::isfinite(loss));
    CHECK(loss == doctest::Approx(0.9 * 1000 + 0.1 * (0 + 1000 + 2000) / 3.0).epsilon(1e-9));
  }

  TEST_CASE("it equals the composition -mean(gather(log_softmax(z), t))") {
    Generator gen(1);
    Tensor z = randn({2, 3, 5}, gen, {.dtype = kFloat64});
    Tensor t = targets({1, 4, 0, 2, 2, 3}, {2, 3});
    const double composed = -mean(gather(log_softmax(z, -1), -1, t.unsqueeze(-1))).item();
    CHECK(cross_entropy(z, t).item() == doctest::Approx(composed).epsilon(1e-12));
  }

  TEST_CASE("gradcheck: cross-entropy with label smoothing and ignored positions") {
    Tensor t = targets({1, 4, 0, 2, 2, 3}, {2, 3});
    CHECK_GRADCHECK([&](const Inputs& in) { return cross_entropy(in[0], t, /*ignore_index=*/0, 0.1); },
                    {rand64({2, 3, 5}, 2)}, {.name = "cross_entropy"});
    CHECK_GRADCHECK([&](const Inputs& in) { return cross_entropy(in[0], t); }, {rand64({2, 3, 5}, 3)},
                    {.name = "cross_entropy (plain)"});
  }

  TEST_CASE("cross-entropy errors") {
    CHECK_THROWS_WITH_AS(cross_entropy(zeros({2, 3}), targets({3, 0}, {2})),
                         "cross_entropy: target 3 at position 0 is out of range for 3 classes", IndexError);
    CHECK_THROWS_WITH_AS(cross_entropy(zeros({2, 3}), targets({1, 0, 1}, {3})),
                         "cross_entropy: logits [2, 3] and targets [3] disagree on axis 0", ShapeError);
    CHECK_THROWS_AS(cross_entropy(zeros({2, 3}), zeros({2})), TypeError);
    CHECK_THROWS_AS(cross_entropy(zeros({2, 3}), targets({1, 0}, {2}), -100, 1.5), ValueError);
  }
}
