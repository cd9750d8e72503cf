// Tests for core/ops/compare.cpp: comparisons and logic give bool masks.
#include "support.hpp"

using namespace sf;
using sf::test::check_values;

TEST_SUITE("ch01-tensor") {
  TEST_CASE("comparisons give bool tensors") {
    Tensor a = tensor({1, 2, 3});
    CHECK(lt(a, 2.0).dtype() == kBool);
    check_values(lt(a, 2.0), {1, 0, 0});
    check_values(le(a, 2.0), {1, 1, 0});
    check_values(gt(a, 2.0), {0, 0, 1});
    check_values(ge(a, 2.0), {0, 1, 1});
    check_values(eq(a, 2.0), {0, 1, 0});
    check_values(ne(a, 2.0), {1, 0, 1});
    check_values(eq(tensor({0, 5, 0}, {.dtype = kInt64}), 0), {1, 0, 1});  // padding ids
  }

  TEST_CASE("a causal mask from two aranges, composed with a padding mask") {
    Tensor i = arange(3);
    Tensor causal = lt(i.unsqueeze(1), i.unsqueeze(0));  // true above the diagonal: the future
    check_values(causal, {0, 1, 1, 0, 0, 1, 0, 0, 0});
    Tensor padding = tensor({0, 0, 1}, {.dtype = kBool});  // the last key is padding
    check_values(logical_or(causal, padding), {0, 1, 1, 0, 0, 1, 0, 0, 1});
    check_values(logical_and(causal, padding), {0, 0, 1, 0, 0, 1, 0, 0, 0});
    check_values(logical_not(padding), {1, 1, 0});
    CHECK(any(padding));
    CHECK_FALSE(all(padding));
  }

  TEST_CASE("logic needs bool tensors, comparisons need matching dtypes") {
    CHECK_THROWS_WITH_AS(logical_or(zeros({2}), zeros({2})),
                         "logical_or: expected a bool tensor (a mask), got float32", TypeError);
    CHECK_THROWS_AS(eq(zeros({2}), zeros({2}, {.dtype = kInt64})), TypeError);
  }
}
