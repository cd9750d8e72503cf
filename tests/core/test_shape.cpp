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
    CHECK_THROWS_WITH_AS(
        broadcast_shapes({2, 3}, {4}, "add"),
        "add: shapes [2, 3] and [4] cannot be broadcast: at dimension -1 sizes 3 and 4 differ and "
        "neither is 1",
        ShapeError);
  }

  TEST_CASE("axes may be negative, out of range is an IndexError naming the op") {
    CHECK(normalize_axis(-1, 3, "sum") == 2);
    CHECK(normalize_axis(0, 3, "sum") == 0);
    CHECK_THROWS_WITH_AS(normalize_axis(3, 3, "sum"),
                         "sum: axis 3 is out of range for a tensor with 3 dimensions (expected -3 to 2)",
                         IndexError);
    CHECK_THROWS_AS(normalize_axis(-4, 3, "sum"), IndexError);
  }

  TEST_CASE("shape products are checked against the element limit, without overflowing") {
    CHECK(check_shape({2, 3, 4}, "zeros") == 24);
    CHECK(check_shape({0, 5}, "zeros") == 0);
    CHECK(check_shape({kMaxNumel}, "zeros") == kMaxNumel);  // the limit itself is allowed
    CHECK(kMaxNumel == std::int64_t{1} << 40);
    CHECK_THROWS_WITH_AS(check_shape({kMaxNumel + 1}, "zeros"),
                         "zeros: shape [1099511627777] has 1099511627777 elements, more than the limit of "
                         "1099511627776 (2^40)",
                         ShapeError);
    // 2^40 · 2^40 = 2^80 wraps to 0 in 64 bits: the product is computed without overflowing.
    CHECK_THROWS_WITH_AS(
        check_shape({1LL << 40, 1LL << 40}, "zeros"),
        "zeros: shape [1099511627776, 1099511627776] has 1.20893e+24 elements, more than the "
        "limit of 1099511627776 (2^40)",
        ShapeError);
    CHECK_THROWS_WITH_AS(check_shape({2, -3}, "view"), "view: shape [2, -3] has a negative size", ShapeError);
    // An empty tensor's strides are products of the other sizes: they are bounded too.
    CHECK_THROWS_WITH_AS(
        check_shape({0, 1LL << 62, 1LL << 62}, "zeros"),
        "zeros: shape [0, 4611686018427387904, 4611686018427387904] has sizes whose product "
        "(zeros skipped) is 2.12676e+37, more than the limit of 1099511627776 (2^40) elements, "
        "which bounds the strides of an empty tensor too",
        ShapeError);
    CHECK_THROWS_WITH_AS(numel({INT64_MAX, 2}),
                         doctest::Contains("numel: shape [9223372036854775807, 2] has"), ShapeError);
  }

  TEST_CASE("broadcasting two shapes within the limit to one beyond it is an error naming the op") {
    CHECK_THROWS_WITH_AS(
        broadcast_shapes({1LL << 30, 1}, {1, 1LL << 30}, "add"),
        "add: shape [1073741824, 1073741824] has 1152921504606846976 elements, more than the "
        "limit of 1099511627776 (2^40)",
        ShapeError);
  }

  TEST_CASE("a shape has at most 8 dimensions") {
    Shape s = Dims::filled(8, 1);
    CHECK_THROWS_WITH_AS(s.push_back(1), "shape: tensors have at most 8 dimensions", ShapeError);
  }
}
