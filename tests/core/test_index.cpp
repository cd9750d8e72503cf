// Tests for core/ops/index.cpp: masked_fill, where, index_select, embedding, gather.
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

namespace {
Tensor ids(const std::vector<double>& v, const Shape& shape) { return tensor(v, shape, {.dtype = kInt64}); }
Tensor mask(const std::vector<double>& v, const Shape& shape) { return tensor(v, shape, {.dtype = kBool}); }
}  // namespace

TEST_SUITE("ch01-tensor") {
  TEST_CASE("masked_fill puts a value where the mask is true, broadcasting the mask") {
    Tensor x = arange(6).view({2, 3});
    check_values(masked_fill(x, mask({0, 1, 0}, {3}), -1), {0, -1, 2, 3, -1, 5});
    CHECK(masked_fill(x, mask({1, 0, 0}, {3}), -INFINITY).to_vector<double>()[0] == -INFINITY);
    CHECK_THROWS_WITH_AS(masked_fill(x, mask({1, 0}, {2}), 0),
                         "masked_fill: mask of shape [2] does not broadcast to the input's shape [2, 3]",
                         ShapeError);
    CHECK_THROWS_WITH_AS(masked_fill(x, ones({3}), 0),
                         "masked_fill: the mask must be a bool tensor, got float32", TypeError);
    CHECK_THROWS_WITH_AS(masked_fill(x, mask({1, 0, 0, 1, 0, 0, 1, 0, 0}, {3, 3}), 0),
                         "masked_fill: mask of shape [3, 3] does not broadcast to the input's shape [2, 3]",
                         ShapeError);
  }

  TEST_CASE("where picks from a or b") {
    check_values(where(mask({1, 0, 1}, {3}), tensor({1, 2, 3}), tensor({10})), {1, 10, 3});
  }

  TEST_CASE("index_select and embedding pick rows, out-of-range ids are errors") {
    Tensor w = arange(8).view({4, 2});  // 4 tokens, 2 features
    check_values(index_select(w, 0, ids({2, 0, 2}, {3})), {4, 5, 0, 1, 4, 5});
    check_values(index_select(w, 1, ids({1}, {1})), {1, 3, 5, 7});
    Tensor e = embedding(w, ids({3, 0, 1, 1}, {2, 2}));
    CHECK(e.shape() == Shape{2, 2, 2});
    check_values(e, {6, 7, 0, 1, 2, 3, 2, 3});
    CHECK_THROWS_WITH_AS(embedding(w, ids({4}, {1})),
                         "embedding: token id 4 is out of range for a table of 4 rows (shape [4, 2])",
                         IndexError);
    CHECK_THROWS_WITH_AS(index_select(w, 0, ids({-1}, {1})),
                         "index_select: index -1 is out of range for axis 0 of size 4 (shape [4, 2])",
                         IndexError);
    CHECK_THROWS_WITH_AS(embedding(w, tensor({1})), "embedding: indices must be an int64 tensor, got float32",
                         TypeError);
  }

  TEST_CASE("gather picks one element per row along the last axis (the loss's log-probability)") {
    Tensor logp = tensor({0.1, 0.2, 0.7, 0.5, 0.4, 0.1}, {2, 3});
    check_values(gather(logp, -1, ids({2, 0}, {2, 1})), {0.7, 0.5});
    check_values(gather(logp, 0, ids({1, 0, 1}, {1, 3})), {0.5, 0.2, 0.1});
    CHECK_THROWS_WITH_AS(gather(logp, -1, ids({3, 0}, {2, 1})),
                         "gather: index 3 is out of range for axis 1 of size 3 (shape [2, 3])", IndexError);
    CHECK_THROWS_AS(gather(logp, -1, ids({0, 0}, {2})), ShapeError);
  }
}

TEST_SUITE("ch02-autograd") {
  TEST_CASE("gradcheck: masked_fill: masked positions get no gradient") {
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return masked_fill(in[0], mask({0, 1, 0}, {3}), -3.0);
        },
        {rand64({2, 3}, 51)}, {.name = "masked_fill"});
  }

  TEST_CASE("gradcheck: where, with both branches broadcast") {
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return where(mask({1, 0, 1, 0, 0, 1}, {2, 3}), in[0], in[1]);
        },
        {rand64({3}, 52), rand64({2, 1}, 53)}, {.name = "where"});
  }

  TEST_CASE("gradcheck: index_select with a repeated index (gradients add up)") {
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return index_select(in[0], 0, ids({2, 0, 2}, {3}));
        },
        {rand64({4, 2}, 54)}, {.name = "index_select"});
  }

  TEST_CASE("gradcheck: embedding, with repeated ids") {
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return embedding(in[0], ids({3, 0, 1, 1}, {2, 2}));
        },
        {rand64({4, 3}, 55)}, {.name = "embedding"});
  }

  TEST_CASE("embedding: the padding row receives no gradient") {
    Tensor w = rand64({4, 2}, 56);
    sum(embedding(w, ids({0, 2, 0, 1}, {4}), /*padding_idx=*/0)).backward();
    check_values(w.grad(), {0, 0, 1, 1, 1, 1, 0, 0});
  }

  TEST_CASE("gradcheck: gather along the last and the first axis") {
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return gather(in[0], -1, ids({2, 0, 0, 1}, {2, 2}));
        },
        {rand64({2, 3}, 57)}, {.name = "gather (last axis)"});
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return gather(in[0], 0, ids({1, 0, 1}, {1, 3}));
        },
        {rand64({2, 3}, 58)}, {.name = "gather (axis 0)"});
  }
}
