// Tests for core/ops/reduce.cpp: sum, mean, max, argmax, var, sum_to.
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch01-tensor") {
  TEST_CASE("sum and mean along axes, with and without keepdim") {
    Tensor x = arange(6).view({2, 3});  // [[0, 1, 2], [3, 4, 5]]
    CHECK(sum(x).item() == 15);
    check_values(sum(x, 0), {3, 5, 7});
    check_values(sum(x, 1), {3, 12});
    CHECK(sum(x, 1, true).shape() == Shape{2, 1});
    check_values(sum(x, {0, 1}), {15});
    check_values(mean(x, -1), {1, 4});
    CHECK(mean(x).item() == doctest::Approx(2.5));
    check_values(x - mean(x, -1, true), {-1, 0, 1, -1, 0, 1});  // keepdim makes the mean broadcast
  }

  TEST_CASE("max and argmax along an axis, ties go to the first position") {
    Tensor x = tensor({1, 5, 5, 7, 2, 0}, {2, 3});
    check_values(max(x, 1), {5, 7});
    CHECK(argmax(x, 1).to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 0});
    check_values(max(x, 0), {7, 5, 5});
    CHECK(max(x).item() == 7);
    CHECK(argmax(x, 1, true).shape() == Shape{2, 1});
  }

  TEST_CASE("var: population (correction 0) and unbiased (correction 1)") {
    Tensor x = tensor({1, 2, 3, 4});
    CHECK(var(x, 0, false, 0).item() == doctest::Approx(1.25));  // LayerNorm's variance
    CHECK(var(x, 0).item() == doctest::Approx(5.0 / 3.0));       // PyTorch's default
    CHECK_THROWS_WITH_AS(var(tensor({1}), 0),
                         "var: 1 element with correction 1 leave no degrees of freedom (need more than 1)",
                         ValueError);
  }

  TEST_CASE("sum_to reverses broadcasting") {
    Tensor g = ones({2, 3});
    check_values(sum_to(g, {3}), {2, 2, 2});
    check_values(sum_to(g, {2, 1}), {3, 3});
    check_values(sum_to(g, {}), {6});
    CHECK(sum_to(g, {2, 3}).is_same(g));
    CHECK_THROWS_AS(sum_to(g, {4}), ShapeError);
  }

  TEST_CASE("reductions check their axes") {
    CHECK_THROWS_WITH_AS(sum(zeros({2, 3}), 2),
                         "sum: axis 2 is out of range for a tensor with 2 dimensions (expected -2 to 1)",
                         IndexError);
    CHECK_THROWS_WITH_AS(sum(zeros({2, 3}), {1, -1}), "sum: axis -1 appears twice in [1, -1]", IndexError);
    CHECK_THROWS_AS(max(zeros({0})), ValueError);
  }
}

TEST_SUITE("ch02-autograd") {
  TEST_CASE("gradcheck: sum and mean over every axis combination") {
    const Tensor x = rand64({2, 3, 4}, 31);
    CHECK_GRADCHECK([](const Inputs& in) { return sum(in[0]); }, {x}, {.name = "sum (all)"});
    CHECK_GRADCHECK([](const Inputs& in) { return sum(in[0], 1); }, {x}, {.name = "sum (axis 1)"});
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return sum(in[0], {0, 2}, true);
        },
        {x}, {.name = "sum (axes 0, 2, keepdim)"});
    CHECK_GRADCHECK([](const Inputs& in) { return mean(in[0], -1); }, {x}, {.name = "mean"});
  }

  TEST_CASE("gradcheck: max (inputs without ties, where max is differentiable)") {
    // At a tie the maximum has a kink (which element wins switches), so distinct values are used.
    const Tensor x =
        tensor({0.1, 0.9, -0.4, 0.5, 0.3, 0.7}, {2, 3}, {.dtype = kFloat64, .requires_grad = true});
    CHECK_GRADCHECK([](const Inputs& in) { return max(in[0], 1); }, {x}, {.name = "max (axis 1)"});
    CHECK_GRADCHECK([](const Inputs& in) { return max(in[0], 0, true); }, {x},
                    {.name = "max (axis 0, keepdim)"});
    CHECK_GRADCHECK([](const Inputs& in) { return max(in[0]); }, {x}, {.name = "max (all)"});
  }

  TEST_CASE("gradcheck: var, population and unbiased") {
    const Tensor x = rand64({3, 5}, 32);
    CHECK_GRADCHECK([](const Inputs& in) { return var(in[0], -1, false, 0); }, {x},
                    {.name = "var (population)"});
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return var(in[0], {0, 1});
        },
        {x}, {.name = "var (unbiased, all)"});
  }
}
