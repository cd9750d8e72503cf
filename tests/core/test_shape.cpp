// Tests for core/shape.cpp: strides, contiguity and the broadcasting rule.
#include "support.hpp"

using namespace sf;

TEST_SUITE("ch01-tensor") {
  TEST_CASE("row-major strides: the last axis moves fastest") {
    CHECK(contiguous_strides({2, 3, 4}) == Strides{12, 4, 1});
    CHECK(contiguous_strides({5}) == Strides{1});
    CHECK(contiguous_strides({}) == Strides{});
    CHECK(numel({2, 3, 4}) == 24);
    CHECK(numel({}) == 1);  // a scalar holds one element
    CHECK(numel({3, 0}) == 0);
  }

  TEST_CASE("contiguity ignores the strides of size-1 axes") {
    CHECK(is_contiguous({2, 3}, {3, 1}));
    CHECK_FALSE(is_contiguous({2, 3}, {1, 2}));  // a transpose
    CHECK(is_contiguous({1, 3}, {99, 1}));
    CHECK(is_contiguous({3, 0}, contiguous_strides({3, 0})));  // an empty tensor is contiguous
    CHECK(zeros({3, 0}).is_contiguous());
  }

  TEST_CASE("broadcasting aligns shapes on the right") {
    CHECK(broadcast_shapes({4, 1, 3}, {5, 1}, "add") == Shape{4, 5, 3});
    CHECK(broadcast_shapes({3}, {2, 3}, "add") == Shape{2, 3});
    CHECK(broadcast_shapes({}, {2, 3}, "add") == Shape{2, 3});
    CHECK_THROWS_WITH_AS(broadcast_shapes({2, 3}, {4}, "add"),
                         "add: shapes [2, 3] and [4] cannot be broadcast: at dimension -1 sizes 3 and 4 differ and "
                         "neither is 1",
                         ShapeError);
  }

  TEST_CASE("axes may be negative, out of range is an IndexError naming the op") {
    CHECK(normalize_axis(-1, 3, "sum") == 2);
    CHECK(normalize_axis(0, 3, "sum") == 0);
    CHECK_THROWS_WITH_AS(normalize_axis(3, 3, "sum"),
                         "sum: axis 3 is out of range for a tensor with 3 dimensions (expected -3 to 2)", IndexError);
    CHECK_THROWS_AS(normalize_axis(-4, 3, "sum"), IndexError);
  }

  TEST_CASE("a shape has at most 8 dimensions") {
    Shape s = Dims::filled(8, 1);
    CHECK_THROWS_WITH_AS(s.push_back(1), "shape: tensors have at most 8 dimensions", ShapeError);
  }
}
