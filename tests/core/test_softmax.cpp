// Tests for core/ops/softmax.cpp: softmax and log-softmax, stable, with a fused backward.
#include <cmath>
#include <limits>

#include "core/kernels/math.hpp"
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch02-autograd") {
  TEST_CASE("the lecture's scores: softmax(112/8, 96/8) = (0.8808, 0.1192)") {
    check_values(softmax(tensor({112.0 / 8, 96.0 / 8}), 0), {0.880797, 0.119203}, 1e-6);
    // Unscaled, the same scores give a nearly one-hot distribution (1 - 1.125e-7, 1.125e-7).
    Tensor p = softmax(tensor({112, 96}, {.dtype = kFloat64}), 0);
    CHECK(p.to_vector<double>()[1] == doctest::Approx(1.1253516e-7).epsilon(1e-6));
  }

  TEST_CASE("the softmax Jacobian's off-diagonal -p1·p2 shrinks from 0.105 to 1e-7 without scaling") {
    // dL/dx for L = p1 is p1·(e1 - p): its second component is -p1·p2 (chapter 2, docs/02-autograd.md).
    for (auto [scores, expected] : {std::pair{std::vector<double>{14, 12}, -0.104994},
                                    std::pair{std::vector<double>{112, 96}, -1.1253514e-7}}) {
      Tensor x = tensor(scores, {.dtype = kFloat64, .requires_grad = true});
      softmax(x, 0).select(0, 0).backward();
      CHECK(x.grad().to_vector<double>()[1] == doctest::Approx(expected).epsilon(1e-5));
    }
  }

  TEST_CASE("softmax rows sum to 1 along any axis, and large scores do not overflow") {
    Tensor x = tensor({1000, 1001, 1002, -5, 0, 5}, {2, 3});
    check_values(sum(softmax(x, 1), 1), {1, 1}, 1e-6);
    check_values(sum(softmax(x, 0), 0), {1, 1, 1}, 1e-6);
    check_values(softmax(x, 1)[0].select(0, 2), {0.665241}, 1e-6);  // same as softmax(0, 1, 2)[2]
  }

  TEST_CASE("-inf scores get weight 0, and a row of only -inf gives zeros, not NaN") {
    const double inf = INFINITY;
    check_values(softmax(tensor({0, -inf, 0}), 0), {0.5, 0, 0.5});
    check_values(softmax(tensor({-inf, -inf}), 0), {0, 0});
  }

  TEST_CASE("log_softmax equals log(softmax) without forming tiny probabilities") {
    Tensor x = tensor({1, 2, 3});
    check_values(log_softmax(x, 0), log(softmax(x, 0)).to_vector<double>(), 1e-6);
    check_values(log_softmax(tensor({0, -200}), 0), {0, -200}, 1e-4);  // log(softmax) would give -inf
  }

  TEST_CASE("gradcheck: softmax and log_softmax along the last and a middle axis") {
    const Tensor x = rand64({2, 3, 4}, 41, -2.0, 2.0);
    CHECK_GRADCHECK([](const Inputs& in) { return softmax(in[0], -1); }, {x},
                    {.name = "softmax (last axis)"});
    CHECK_GRADCHECK([](const Inputs& in) { return softmax(in[0], 1); }, {x},
                    {.name = "softmax (middle axis)"});
    CHECK_GRADCHECK([](const Inputs& in) { return log_softmax(in[0], -1); }, {x}, {.name = "log_softmax"});
    CHECK_GRADCHECK([](const Inputs& in) { return log_softmax(in[0], 0); }, {x},
                    {.name = "log_softmax (axis 0)"});
  }
}

TEST_SUITE("ch05-attention") {
  TEST_CASE("gradcheck: masked_softmax, with a fully masked row") {
    const Tensor mask = tensor({0, 1, 0, 1, 1, 1, 0, 0, 0}, {3, 3}, {.dtype = kBool});  // row 1: all hidden
    CHECK_GRADCHECK([&](const Inputs& in) { return masked_softmax(in[0], 0.7, mask); },
                    {rand64({2, 3, 3}, 13)}, {.name = "masked_softmax"});
    check_values(masked_softmax(ones({3, 3}), 1.0, mask)[1], {0, 0, 0});
    CHECK_THROWS_WITH_AS(masked_softmax(ones({3, 3}), 1.0, tensor({1, 0}, {.dtype = kBool})),
                         "masked_softmax: mask of shape [2] does not broadcast to the input's shape [3, 3]",
                         ShapeError);
  }
}

TEST_SUITE("ch05-attention") {
  TEST_CASE("softmax's float exponential: e^x to a few ulp, 0 and inf at the ends, NaN stays NaN") {
    // kernels::exp_float is the portable e^x behind float softmax, the loss and the O(L) attention.
    for (float x = -87.0f; x <= 88.5f; x += 0.37f) {
      const double exact = std::exp(static_cast<double>(x));
      CHECK(std::abs(kernels::exp_of(x) - exact) <= 4e-7 * exact);
    }
    CHECK(kernels::exp_of(0.0f) == 1.0f);
    CHECK(kernels::exp_of(-100.0f) == 0.0f);
    CHECK(kernels::exp_of(-std::numeric_limits<float>::infinity()) == 0.0f);
    CHECK(std::isinf(kernels::exp_of(100.0f)));
    CHECK(std::isinf(kernels::exp_of(std::numeric_limits<float>::infinity())));
    // A NaN (a loss that diverged) comes out as NaN, without converting it to an integer on the way
    // (undefined behaviour, which clang's UBSan reports).
    CHECK(std::isnan(kernels::exp_of(std::numeric_limits<float>::quiet_NaN())));
  }
}
