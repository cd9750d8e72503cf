// Tests for core/ops/arithmetic.cpp: add, sub, mul, div, neg, pow(a, b), with broadcasting.
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch01-tensor") {
  TEST_CASE("binary ops on numbers a reader can check") {
    Tensor a = tensor({1, 2, 3, 4}, {2, 2}), b = tensor({10, 20, 30, 40}, {2, 2});
    check_values(a + b, {11, 22, 33, 44});
    check_values(b - a, {9, 18, 27, 36});
    check_values(a * b, {10, 40, 90, 160});
    check_values(b / a, {10, 10, 10, 10});
    check_values(-a, {-1, -2, -3, -4});
    check_values(pow(a, tensor({2})), {1, 4, 9, 16});
  }

  TEST_CASE("scalar forms and operators") {
    Tensor a = tensor({1, 2, 4});
    check_values(a + 1.0, {2, 3, 5});
    check_values(1.0 - a, {0, -1, -3});
    check_values(2.0 * a, {2, 4, 8});
    check_values(a / 2.0, {0.5, 1, 2});
    check_values(8.0 / a, {8, 4, 2});
    CHECK((a * 2.0).dtype() == kFloat32);  // the scalar takes the tensor's dtype
  }

  TEST_CASE("broadcasting: a bias row added to every row, a column scaling every column") {
    Tensor x = arange(6).view({2, 3});
    check_values(x + tensor({10, 20, 30}), {10, 21, 32, 13, 24, 35});
    check_values(x * tensor({1, 10}, {2, 1}), {0, 1, 2, 30, 40, 50});
    CHECK((zeros({4, 1, 3}) + zeros({5, 1})).shape() == Shape{4, 5, 3});
  }

  TEST_CASE("binary ops refuse mismatched shapes and dtypes") {
    CHECK_THROWS_WITH_AS(
        zeros({2, 3}) + zeros({2}),
        "add: shapes [2, 3] and [2] cannot be broadcast: at dimension -1 sizes 3 and 2 differ and "
        "neither is 1",
        ShapeError);
    CHECK_THROWS_WITH_AS(zeros({2}) * zeros({2}, {.dtype = kFloat64}),
                         "mul: dtypes differ: float32 and float64 (convert one with .to())", TypeError);
    CHECK_THROWS_WITH_AS(zeros({2}, {.dtype = kInt64}) + zeros({2}, {.dtype = kInt64}),
                         "add: expected a float32 or float64 tensor, got int64", TypeError);
  }
}

TEST_SUITE("ch02-autograd") {
  TEST_CASE("gradcheck: add, sub, mul, div on equal shapes") {
    const Inputs in = {rand64({2, 3}, 1), rand64({2, 3}, 2, 0.5, 2.0)};
    CHECK_GRADCHECK([](const Inputs& x) { return x[0] + x[1]; }, in, {.name = "add"});
    CHECK_GRADCHECK([](const Inputs& x) { return x[0] - x[1]; }, in, {.name = "sub"});
    CHECK_GRADCHECK([](const Inputs& x) { return x[0] * x[1]; }, in, {.name = "mul"});
    CHECK_GRADCHECK([](const Inputs& x) { return x[0] / x[1]; }, in, {.name = "div"});  // b kept away from 0
    CHECK_GRADCHECK([](const Inputs& x) { return -x[0]; }, {in[0]}, {.name = "neg"});
  }

  TEST_CASE("gradcheck: broadcasting, where the broadcast input's gradient must be summed") {
    // b [3] is added to both rows of a [2, 3]: each b_j affects two outputs, so db_j is their sum.
    CHECK_GRADCHECK([](const Inputs& x) { return x[0] + x[1]; }, {rand64({2, 3}, 3), rand64({3}, 4)},
                    {.name = "add (row broadcast)"});
    CHECK_GRADCHECK([](const Inputs& x) { return x[0] * x[1]; }, {rand64({4, 1, 3}, 5), rand64({5, 1}, 6)},
                    {.name = "mul (both broadcast)"});
    CHECK_GRADCHECK([](const Inputs& x) { return x[0] / x[1]; },
                    {rand64({2, 3}, 7), rand64({2, 1}, 8, 0.5, 2.0)}, {.name = "div (column broadcast)"});
    CHECK_GRADCHECK([](const Inputs& x) { return x[0] - x[1]; }, {rand64({}, 9), rand64({2, 2}, 10)},
                    {.name = "sub (a scalar tensor)"});
  }

  TEST_CASE("gradcheck: pow with a tensor exponent (base kept positive, where ln a exists)") {
    CHECK_GRADCHECK([](const Inputs& x) { return pow(x[0], x[1]); },
                    {rand64({2, 3}, 11, 0.5, 2.0), rand64({3}, 12)}, {.name = "pow(a, b)"});
  }

  TEST_CASE("gradcheck: scalar forms") {
    CHECK_GRADCHECK([](const Inputs& x) { return (2.0 - x[0]) * 3.0 / (x[0] + 4.0); }, {rand64({3}, 13)},
                    {.name = "scalar arithmetic"});
  }
}
