// Tests for core/ops/join.cpp: concat, stack, split, chunk.
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch01-tensor") {
  TEST_CASE("concat along an existing axis, stack along a new one") {
    Tensor a = arange(4).view({2, 2}), b = full({2, 1}, 9);
    check_values(concat({a, b}, 1), {0, 1, 9, 2, 3, 9});
    check_values(concat({a, a}, 0), {0, 1, 2, 3, 0, 1, 2, 3});
    CHECK(stack({a, a, a}, 0).shape() == Shape{3, 2, 2});
    CHECK(stack({a, a, a}, 2).shape() == Shape{2, 2, 3});
    CHECK_THROWS_WITH_AS(
        concat({a, b}, 0),
        "concat: tensor 1 has shape [2, 1] but tensor 0 has shape [2, 2]; all sizes except along "
        "axis 0 must match",
        ShapeError);
    CHECK_THROWS_AS(concat({}, 0), ValueError);
    CHECK_THROWS_AS(stack({a, b}, 0), ShapeError);
  }

  TEST_CASE("split and chunk return views that share the input's memory") {
    Tensor x = arange(6).view({2, 3});
    auto parts = split(x, {1, 2}, 1);
    REQUIRE(parts.size() == 2);
    check_values(parts[0], {0, 3});
    check_values(parts[1], {1, 2, 4, 5});
    CHECK(parts[1].storage() == x.storage());
    auto halves = chunk(arange(6), 3, 0);
    check_values(halves[2], {4, 5});
    CHECK_THROWS_WITH_AS(split(x, {1, 1}, 1),
                         "split: sizes add up to 2 but axis 1 of shape [2, 3] has size 3", ShapeError);
    CHECK_THROWS_WITH_AS(chunk(x, 2, 1),
                         "chunk: axis 1 of shape [2, 3] (size 3) cannot be cut into 2 equal chunks",
                         ShapeError);
  }
}

TEST_SUITE("ch02-autograd") {
  TEST_CASE("gradcheck: concat and stack") {
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return concat({in[0], in[1], in[0]}, 1);
        },
        {rand64({2, 2}, 61), rand64({2, 3}, 62)}, {.name = "concat"});
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return stack({in[0], in[1]}, 1);
        },
        {rand64({2, 3}, 63), rand64({2, 3}, 64)}, {.name = "stack"});
  }

  TEST_CASE("gradcheck: split and chunk pieces used separately") {
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          auto p = split(in[0], {1, 3}, 1);
          return p[0] * sum(p[1], 1, true);
        },
        {rand64({3, 4}, 65)}, {.name = "split"});
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          auto q = chunk(in[0], 3, 0);  // like splitting a packed QKV projection
          return q[0] * q[1] + q[2];
        },
        {rand64({6, 2}, 66)}, {.name = "chunk"});
  }
}
