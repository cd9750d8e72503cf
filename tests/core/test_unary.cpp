// Tests for core/ops/unary.cpp: exp, log, sqrt, x^p, tanh, relu, gelu.
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch01-tensor") {
  TEST_CASE("unary functions on values a reader can check") {
    check_values(exp(tensor({0, 1})), {1, 2.718282});
    check_values(log(tensor({1, 2.718282})), {0, 1});
    check_values(sqrt(tensor({4, 9})), {2, 3});
    check_values(pow(tensor({2, 3}), 3.0), {8, 27});
    check_values(tanh(tensor({0, 1})), {0, 0.761594});
    check_values(relu(tensor({-2, 0, 3})), {0, 0, 3});
    // gelu(x) = x·Φ(x): Φ(0) = 0.5, Φ(1) = 0.841345, Φ(-1) = 0.158655
    check_values(gelu(tensor({0, 1, -1})), {0, 0.841345, -0.158655});
  }

  TEST_CASE("unary ops refuse non-float tensors") {
    CHECK_THROWS_WITH_AS(exp(zeros({2}, {.dtype = kInt64})),
                         "exp: expected a float32 or float64 tensor, got int64", TypeError);
  }
}

TEST_SUITE("ch02-autograd") {
  TEST_CASE("gradcheck: exp, tanh, gelu on any real input") {
    const Tensor x = rand64({2, 3}, 21, -2.0, 2.0);
    CHECK_GRADCHECK([](const Inputs& in) { return exp(in[0]); }, {x}, {.name = "exp"});
    CHECK_GRADCHECK([](const Inputs& in) { return tanh(in[0]); }, {x}, {.name = "tanh"});
    CHECK_GRADCHECK([](const Inputs& in) { return gelu(in[0]); }, {x}, {.name = "gelu"});
  }

  TEST_CASE("gradcheck: log, sqrt and fractional powers on positive inputs") {
    const Tensor x = rand64({2, 3}, 22, 0.5, 3.0);
    CHECK_GRADCHECK([](const Inputs& in) { return log(in[0]); }, {x}, {.name = "log"});
    CHECK_GRADCHECK([](const Inputs& in) { return sqrt(in[0]); }, {x}, {.name = "sqrt"});
    CHECK_GRADCHECK([](const Inputs& in) { return pow(in[0], 1.5); }, {x}, {.name = "pow(x, 1.5)"});
    CHECK_GRADCHECK([](const Inputs& in) { return pow(in[0], -2.0); }, {x}, {.name = "pow(x, -2)"});
  }

  TEST_CASE("gradcheck: relu, with inputs kept away from its kink at 0") {
    // relu is not differentiable at 0: a central difference straddling 0 measures the average of
    // the two slopes (0.5), which no backward can match. The inputs avoid |x| < 0.1 on purpose.
    const Tensor x =
        tensor({-1.5, -0.3, 0.2, 0.9, 1.7, -0.8}, {2, 3}, {.dtype = kFloat64, .requires_grad = true});
    CHECK_GRADCHECK([](const Inputs& in) { return relu(in[0]); }, {x}, {.name = "relu"});
  }
}
