// Tests for core/ops/attention.cpp: the lectures' numbers, masks, and the invariants a wrong forward
// would break (finite differences cannot see a wrong forward).
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

namespace {
// Lecture 002's "I am good": 3 tokens × 2 features.
Tensor i_am_good(DType dtype = kFloat32) {
  return tensor({0.2, 0.1, 0.9, 0.4, 0.7, 0.8}, {3, 2}, {.dtype = dtype});
}
// The 4 → 3 toy of chapter 5 (docs/05-attention.md).
Tensor toy_x() { return tensor({1, 0, 1, 0, 0, 2, 0, 2, 1, 1, 1, 1}, {3, 4}); }
Tensor toy_wq() { return tensor({1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1}, {4, 3}); }
Tensor toy_wk() { return tensor({0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0}, {4, 3}); }
Tensor toy_wv() { return tensor({0, 2, 0, 0, 3, 0, 1, 0, 3, 1, 1, 0}, {4, 3}); }
}  // namespace

TEST_SUITE("ch05-attention") {
  TEST_CASE("'I am good' with identity projections: the weights and the output of chapter 5") {
    const Tensor X = i_am_good();
    check_values(attention_weights(X, X),
                 {0.3072, 0.3464, 0.3464, 0.2286, 0.3884, 0.3830, 0.2184, 0.3660, 0.4156});
    check_values(scaled_dot_product_attention(X, X, X), {0.6157, 0.4464, 0.6634, 0.4846, 0.6640, 0.5007});
  }

  TEST_CASE("a word does not always attend most to itself: 'I' looks least at 'I'") {
    const auto row = attention_weights(i_am_good(), i_am_good())[0].to_vector<double>();
    CHECK(row[0] < row[1]);
    CHECK(row[0] < row[2]);
  }

  TEST_CASE("the 4 → 3 toy, unscaled (as lecture 003) and scaled by sqrt(3)") {
    const Tensor X = toy_x();
    const Tensor Q = matmul(X, toy_wq()), K = matmul(X, toy_wk()), V = matmul(X, toy_wv());
    check_values(matmul(Q, K.transpose(0, 1)), {2, 4, 4, 4, 16, 12, 4, 12, 10});
    check_values(attention_weights(Q, K, {}, false)[0], {0.0634, 0.4683, 0.4683});
    check_values(matmul(attention_weights(Q, K, {}, false), V),
                 {1.9366, 6.6831, 1.5951, 2.0, 7.9640, 0.0540, 1.9997, 7.7599, 0.3584});
    check_values(scaled_dot_product_attention(Q, K, V),
                 {1.8639, 6.3194, 1.7042, 1.9991, 7.8141, 0.2735, 1.9926, 7.4796, 0.7359});
  }

  TEST_CASE("the causal mask of chapter 11") {
    // q = the raw scores, k = identity, so q·kᵀ = scores; the mask hides everything above the diagonal.
    Tensor scores = tensor({1, 9, 9, 9, 1, 2, 9, 9, 0, 1, 1, 9, 1, 1, 1, 1}, {4, 4});
    check_values(attention_weights(scores, eye(4), causal_mask(4), false),
                 {1, 0, 0, 0, 0.2689, 0.7311, 0, 0, 0.1554, 0.4223, 0.4223, 0, 0.25, 0.25, 0.25, 0.25});
  }

  TEST_CASE("softmax(112/8, 96/8) = (0.8808, 0.1192): one query, two keys, d_k = 64") {
    // q·k1 = 112 and q·k2 = 96 with d_k = 64, as in lecture 001.
    Tensor q = zeros({1, 64}), k = zeros({2, 64});
    {
      NoGradGuard no_grad;
      q.narrow(1, 0, 1).fill_(1);
      k.narrow(1, 0, 1).copy_(tensor({112, 96}, {2, 1}));
    }
    check_values(attention_weights(q, k), {0.880797, 0.119203}, 1e-6);
  }

  TEST_CASE("a padding mask hides keys: adding padded keys leaves the result unchanged") {
    Generator gen(1);
    Tensor q = randn({2, 3, 4}, gen), k = randn({2, 5, 4}, gen), v = randn({2, 5, 4}, gen);
    Tensor ids = tensor({7, 7, 7, 0, 0, 7, 7, 7, 7, 0}, {2, 5}, {.dtype = kInt64});  // 0 = padding
    Tensor mask = padding_mask(ids, 0).squeeze(1);                                   // [2, 1, 5]
    Tensor out = scaled_dot_product_attention(q, k, v, mask);
    // Sentence 0 has 3 real keys: the same as attending over those 3 alone.
    check_values(
        out[0],
        scaled_dot_product_attention(q[0], k[0].narrow(0, 0, 3), v[0].narrow(0, 0, 3)).to_vector<double>(),
        1e-6);
    check_values(attention_weights(q, k, mask)[0].select(1, 3), {0, 0, 0});
  }

  TEST_CASE("causality: changing a later token leaves every earlier output bit-identical") {
    Generator gen(2);
    Tensor x = randn({6, 4}, gen);
    const Tensor before = scaled_dot_product_attention(x, x, x, causal_mask(6));
    Tensor changed = x.clone();
    changed[4].fill_(100);  // token 4 changes
    const Tensor after = scaled_dot_product_attention(changed, changed, changed, causal_mask(6));
    CHECK(sf::test::same_values(before.narrow(0, 0, 4), after.narrow(0, 0, 4)));
    CHECK_FALSE(sf::test::same_values(before[4], after[4]));
  }

  TEST_CASE("masks compose, and a query that may see nothing gets zeros, not NaN") {
    Tensor x = tensor({1, 2, 3, 4, 5, 6}, {3, 2});
    Tensor padding = tensor({1, 0, 0}, {.dtype = kBool});  // key 0 is padding
    Tensor mask = logical_or(causal_mask(3), padding);     // query 0 may only see key 0: hidden
    Tensor w = attention_weights(x, x, mask);
    check_values(w[0], {0, 0, 0});
    check_values(w[1], {0, 1, 0});
    check_values(scaled_dot_product_attention(x, x, x, mask)[0], {0, 0});
  }

  TEST_CASE("without positions or masks attention is permutation-equivariant") {
    Generator gen(3);
    Tensor x = randn({4, 3}, gen);
    Tensor perm = tensor({2, 0, 3, 1}, {.dtype = kInt64});
    Tensor px = index_select(x, 0, perm);
    check_values(scaled_dot_product_attention(px, px, px),
                 index_select(scaled_dot_product_attention(x, x, x), 0, perm).to_vector<double>(), 1e-6);
  }

  TEST_CASE("gradcheck: attention with respect to q, k and v, with and without a mask") {
    const Inputs in{rand64({2, 3, 4}, 4), rand64({2, 5, 4}, 5), rand64({2, 5, 2}, 6)};
    CHECK_GRADCHECK([](const Inputs& x) { return scaled_dot_product_attention(x[0], x[1], x[2]); }, in,
                    {.name = "attention"});
    Tensor mask =
        padding_mask(tensor({1, 1, 1, 0, 0, 1, 1, 1, 1, 0}, {2, 5}, {.dtype = kInt64}), 0).squeeze(1);
    CHECK_GRADCHECK([&](const Inputs& x) { return scaled_dot_product_attention(x[0], x[1], x[2], mask); }, in,
                    {.name = "attention (padding mask)"});
    CHECK_GRADCHECK(
        [](const Inputs& x) { return scaled_dot_product_attention(x[0], x[0], x[0], causal_mask(3)); },
        {rand64({3, 4}, 7)}, {.name = "self-attention (causal mask)"});
  }

  TEST_CASE("attention errors name the shapes") {
    CHECK_THROWS_WITH_AS(
        attention_weights(zeros({3, 4}), zeros({3, 5})),
        "attention: queries [3, 4] and keys [3, 5] need at least 2 axes and the same last size d_k",
        ShapeError);
    CHECK_THROWS_WITH_AS(
        attention_weights(zeros({3, 4}), zeros({5, 4}), zeros({4}, {.dtype = kBool})),
        "attention: mask of shape [4] does not broadcast to the scores' shape [3, 5] ([.., queries, "
        "keys])",
        ShapeError);
    CHECK_THROWS_AS(attention_weights(zeros({3, 4}), zeros({5, 4}), zeros({5}, {.dtype = kInt64})),
                    TypeError);
    // The fused weights share the checks, and their messages.
    CHECK_THROWS_WITH_AS(
        attention_weights_fused(zeros({3, 4}), zeros({3, 5})),
        "attention: queries [3, 4] and keys [3, 5] need at least 2 axes and the same last size d_k",
        ShapeError);
    CHECK_THROWS_WITH_AS(
        attention_weights_fused(zeros({3, 4}), zeros({5, 4}), zeros({4}, {.dtype = kBool})),
        "attention: mask of shape [4] does not broadcast to the scores' shape [3, 5] ([.., queries, "
        "keys])",
        ShapeError);
    CHECK_THROWS_WITH_AS(
        attention_weights_fused(zeros({3, 4}), zeros({5, 4}), zeros({5}, {.dtype = kInt64})),
        "attention: the mask must be bool (true = hidden) or float (added to the scores), got int64",
        TypeError);
    CHECK_THROWS_AS(scaled_dot_product_attention(zeros({3, 4}), zeros({5, 4}), zeros({4, 4})), ShapeError);
  }
}

TEST_SUITE("ch05-attention") {
  TEST_CASE("the fused weights (masked_softmax) equal the plain ones, values and gradients") {
    Generator gen(12);
    const Tensor q = randn({2, 3, 4, 5}, gen, {.dtype = kFloat64, .requires_grad = true});
    const Tensor k = randn({2, 3, 6, 5}, gen, {.dtype = kFloat64, .requires_grad = true});
    const Tensor R = randn({2, 3, 4, 6}, gen, {.dtype = kFloat64});
    const Tensor mask =
        logical_or(padding_mask(tensor({1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0}, {2, 6}, {.dtype = kInt64}), 0),
                   lt(arange(4, {.dtype = kInt64}).unsqueeze(1), arange(6, {.dtype = kInt64}).unsqueeze(0)));
    sum(attention_weights(q, k, mask) * R).backward();
    const auto gq = q.grad().to_vector<double>(), gk = k.grad().to_vector<double>();
    q.set_grad(Tensor());
    k.set_grad(Tensor());
    const Tensor fused = attention_weights_fused(q, k, mask);
    check_values(fused, attention_weights(q, k, mask).to_vector<double>(), 1e-12);
    sum(fused * R).backward();
    check_values(q.grad(), gq, 1e-12);
    check_values(k.grad(), gk, 1e-12);
  }
}
