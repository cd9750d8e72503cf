// Tests for core/ops/matmul.cpp: the tensor-level matmul (shapes, broadcasting, transposed views)
// and its backward. The kernels underneath have their own tests (test_gemm*.cpp).
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch01-tensor") {
  TEST_CASE("a 2×3 by 3×2 product a reader can check") {
    Tensor a = tensor({1, 2, 3, 4, 5, 6}, {2, 3});
    Tensor b = tensor({7, 8, 9, 10, 11, 12}, {3, 2});
    // [1 2 3]·[7 9 11]ᵀ = 7 + 18 + 33 = 58, and so on.
    check_values(matmul(a, b), {58, 64, 139, 154});
  }

  TEST_CASE("vectors: a 1-D left operand is a row, a 1-D right operand a column") {
    Tensor m = tensor({1, 2, 3, 4}, {2, 2});
    Tensor v = tensor({1, 1});
    check_values(matmul(m, v), {3, 7});
    CHECK(matmul(m, v).shape() == Shape{2});
    check_values(matmul(v, m), {4, 6});
    CHECK(matmul(v, v).shape() == Shape{});
    CHECK(matmul(v, v).item() == 2);
  }

  TEST_CASE("batched products broadcast their batch axes") {
    Generator g(3);
    Tensor a = randn({4, 1, 2, 3}, g), b = randn({5, 3, 2}, g);
    Tensor c = matmul(a, b);
    CHECK(c.shape() == Shape{4, 5, 2, 2});
    // Each batch entry equals the 2-D product of its slices.
    check_values(c[2][3], matmul(a[2][0], b[3]).to_vector<double>(), 1e-5);
    // One matrix applied to a batch (a Linear layer on [B, L, d]).
    Tensor w = randn({3, 4}, g);
    check_values(matmul(a, w)[1][0], matmul(a[1][0], w).to_vector<double>(), 1e-5);
  }

  TEST_CASE("transposed and head-split views are multiplied in place, without copies") {
    Generator g(4);
    Tensor q = randn({2, 5, 6}, g), k = randn({2, 5, 6}, g);
    // [B, L, h·d] → [B, h, L, d]: strided views.
    Tensor qh = q.view({2, 5, 3, 2}).transpose(1, 2), kh = k.view({2, 5, 3, 2}).transpose(1, 2);
    Tensor scores = matmul(qh, kh.transpose(-2, -1));
    CHECK(scores.shape() == Shape{2, 3, 5, 5});
    check_values(scores,
                 matmul(qh.contiguous(), kh.contiguous().transpose(-2, -1).contiguous()).to_vector<double>(),
                 1e-5);
  }

  TEST_CASE("matmul errors name both shapes and the rule") {
    CHECK_THROWS_WITH_AS(matmul(zeros({3, 4}), zeros({5, 2})),
                         "matmul: cannot multiply [3, 4] by [5, 2]: inner dimensions 4 and 5 differ",
                         ShapeError);
    CHECK_THROWS_WITH_AS(
        matmul(zeros({2, 3, 4}), zeros({3, 4, 5})),
        "matmul: cannot multiply [2, 3, 4] by [3, 4, 5]: batch dimensions [2] and [3] cannot be "
        "broadcast",
        ShapeError);
    CHECK_THROWS_WITH_AS(matmul(scalar_tensor(1), zeros({2})),
                         "matmul: both operands need at least one dimension, got [] and [2]", ShapeError);
    CHECK_THROWS_AS(matmul(zeros({2, 2}), zeros({2, 2}, {.dtype = kFloat64})), TypeError);
  }
}

TEST_SUITE("ch02-autograd") {
  TEST_CASE("gradcheck: matmul, 2-D and batched with broadcasting") {
    CHECK_GRADCHECK([](const Inputs& in) { return matmul(in[0], in[1]); },
                    {rand64({3, 4}, 71), rand64({4, 2}, 72)}, {.name = "matmul"});
    // b is shared by both batch entries: its gradient sums over the batch.
    CHECK_GRADCHECK([](const Inputs& in) { return matmul(in[0], in[1]); },
                    {rand64({2, 3, 4}, 73), rand64({4, 2}, 74)}, {.name = "matmul (broadcast batch)"});
    CHECK_GRADCHECK([](const Inputs& in) { return matmul(in[0], in[1]); },
                    {rand64({2, 1, 3, 4}, 75), rand64({3, 4, 2}, 76)},
                    {.name = "matmul (both batches broadcast)"});
  }

  TEST_CASE("gradcheck: matmul with vectors and transposed views") {
    CHECK_GRADCHECK([](const Inputs& in) { return matmul(in[0], in[1]); },
                    {rand64({4}, 77), rand64({4, 3}, 78)}, {.name = "matmul (vector · matrix)"});
    CHECK_GRADCHECK([](const Inputs& in) { return matmul(in[0], in[0].transpose(-2, -1)); },
                    {rand64({2, 3, 4}, 79)}, {.name = "matmul (x·xᵀ, the input used twice)"});
  }
}
