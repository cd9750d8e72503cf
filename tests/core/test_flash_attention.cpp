// Tests for core/ops/flash_attention.cpp: the O(L) attention against the plain one (the reference:
// attention_weights_fused, dropout, matmul, as MultiHeadAttention computed it before), on every mask
// kind, with and without dropout, at lengths that do and do not fill the blocks; float64 gradient
// checks; the same bits on any thread count.
#include <cmath>
#include <limits>
#include <string>

#include "core/block_cache.hpp"
#include "core/parallel/thread_pool.hpp"
#include "support.hpp"

using namespace sf;
using sf::test::Inputs;
using sf::test::rand64;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

/// The plain path: the weights [B, h, Lq, Lk] in memory, then dropout, then the product with v.
Tensor plain_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, double p,
                       Generator* gen) {
  const Tensor w = attention_weights_fused(q, k, mask);
  return matmul(gen ? dropout(w, p, true, *gen) : w, v);
}

/// The masks MultiHeadAttention can be given, for scores [B, H, Lq, Lk]: their names and the tensors.
struct NamedMask {
  std::string name;
  Tensor mask;
};

std::vector<NamedMask> every_mask(std::int64_t B, std::int64_t H, std::int64_t Lq, std::int64_t Lk,
                                  std::uint64_t seed) {
  Generator gen(seed);
  const AttentionSizes sizes{B, H, Lq, Lk};
  // Key padding: the last sentence loses its last third of keys (at least one), the others none.
  std::vector<double> pad(static_cast<std::size_t>(B * Lk), 0.0);
  for (std::int64_t j = Lk - std::max<std::int64_t>(1, Lk / 3); j < Lk; ++j)
    pad[static_cast<std::size_t>((B - 1) * Lk + j)] = 1;
  const Tensor key_padding = tensor(pad, {B, Lk}).to(kBool);
  const Tensor general = lt(rand({Lq, Lk}, gen), 0.3);            // [Lq, Lk], 30% hidden
  Tensor per_head = lt(rand({B * H, Lq, Lk}, gen), 0.5);          // [B·H, Lq, Lk], half hidden
  per_head.select(0, 1).select(0, 0).fill_(1.0);                  // and one query that sees no key
  Tensor bias = randn({Lq, Lk}, gen);                             // a float mask: a bias ...
  bias = masked_fill(bias, lt(rand({Lq, Lk}, gen), 0.2), -kInf);  // ... and -inf where hidden
  std::vector<NamedMask> masks = {
      {"no mask", Tensor()},
      {"key padding (bool [B, Lk])", combine_masks({}, key_padding, sizes, kFloat64)},
      {"bool [Lq, Lk]", combine_masks(general, {}, sizes, kFloat64)},
      {"bool [B·heads, Lq, Lk], a row hidden everywhere", combine_masks(per_head, {}, sizes, kFloat64)},
      {"float [Lq, Lk] (bias and -inf)", combine_masks(bias, {}, sizes, kFloat64)},
      {"float [Lq, Lk] with bool key padding", combine_masks(bias, key_padding, sizes, kFloat64)},
      {"bool [B·heads, Lq, Lk] with bool key padding", combine_masks(per_head, key_padding, sizes, kFloat64)},
  };
  if (Lq == Lk) masks.push_back({"causal (bool [L, L])", causal_mask(Lq)});
  return masks;
}

/// The largest |a - b| over all elements, relative to the largest |b| (at least 1).
double difference(const Tensor& a, const Tensor& b) {
  const auto x = a.to_vector<double>(), y = b.to_vector<double>();
  REQUIRE(x.size() == y.size());
  double diff = 0, scale = 1;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) return kInf;  // NaN or inf: never within round-off
    diff = std::max(diff, std::fabs(x[i] - y[i]));
    scale = std::max(scale, std::fabs(y[i]));
  }
  return diff / scale;
}

/// Output and the gradients of sum(output ⊙ R) with respect to q, k and v.
struct Result {
  Tensor out, dq, dk, dv;
};

template <class F>
Result run(F attend, const Tensor& q0, const Tensor& k0, const Tensor& v0, const Tensor& R) {
  Tensor q = q0.detach().clone(), k = k0.detach().clone(), v = v0.detach().clone();
  q.requires_grad_();
  k.requires_grad_();
  v.requires_grad_();
  const Tensor out = attend(q, k, v);
  sum(out * R).backward();
  return {out.detach(), q.grad(), k.grad(), v.grad()};
}

/// Flash against plain for one mask and size, in `dtype`, with dropout p (0: none); `tol` relative.
void check_agreement(std::int64_t B, std::int64_t H, std::int64_t Lq, std::int64_t Lk, std::int64_t d,
                     DType dtype, double p, double tol) {
  Generator gen(Lq * 1000 + Lk);
  const Tensor q = randn({B, H, Lq, d}, gen, {.dtype = dtype}),
               k = randn({B, H, Lk, d}, gen, {.dtype = dtype});
  const Tensor v = randn({B, H, Lk, d}, gen, {.dtype = dtype}),
               R = randn({B, H, Lq, d}, gen, {.dtype = dtype});
  for (const NamedMask& m : every_mask(B, H, Lq, Lk, 7)) {
    const Tensor mask = m.mask.defined() && m.mask.dtype() != kBool ? m.mask.to(dtype) : m.mask;
    CAPTURE(m.name);
    CAPTURE(Lq);
    CAPTURE(Lk);
    CAPTURE(p);
    CAPTURE(dtype_name(dtype));
    Generator plain_gen(99), flash_gen(99);
    const Result plain =
        run([&](const Tensor& a, const Tensor& b,
                const Tensor& c) { return plain_attention(a, b, c, mask, p, p > 0 ? &plain_gen : nullptr); },
            q, k, v, R);
    const Result flash = run(
        [&](const Tensor& a, const Tensor& b, const Tensor& c) {
          return flash_attention(a, b, c, mask, {.p = p, .training = p > 0, .generator = &flash_gen});
        },
        q, k, v, R);
    CHECK(plain_gen.state().counter == flash_gen.state().counter);  // the same draws taken
    CHECK(difference(flash.out, plain.out) <= tol);
    CHECK(difference(flash.dq, plain.dq) <= tol);
    CHECK(difference(flash.dk, plain.dk) <= tol);
    CHECK(difference(flash.dv, plain.dv) <= tol);
  }
}
}  // namespace

TEST_SUITE("ch05-attention") {
  TEST_CASE("flash attention equals the plain attention on every mask, short and long, to round-off") {
    // Lengths 1, 7, 64 (one whole query block) and 300 (blocks of 64 queries and 128 keys leave a ragged
    // edge).
    for (const std::int64_t L : {1, 7, 64, 300}) {
      check_agreement(2, 3, L, L, 16, kFloat64, 0.0, 1e-12);
      check_agreement(2, 3, L, L, 16, kFloat32, 0.0, 2e-5);
    }
    check_agreement(2, 2, 70, 130, 8, kFloat64, 0.0, 1e-12);  // cross-attention: Lq ≠ Lk
    check_agreement(2, 2, 130, 5, 8, kFloat32, 0.0, 2e-5);
  }

  TEST_CASE("flash attention with dropout drops the same weights as the plain path's dropout") {
    // Agreement to 1e-12 in float64 leaves no room for a single weight dropped differently (a dropped
    // weight changes the output by about 1/Lk), and the generator moves on by the same draws.
    for (const std::int64_t L : {1, 7, 64, 300}) check_agreement(2, 3, L, L, 16, kFloat64, 0.1, 1e-12);
    check_agreement(1, 2, 200, 150, 8, kFloat64, 0.5, 1e-12);
    check_agreement(2, 3, 300, 300, 16, kFloat32, 0.1, 2e-5);
  }

  TEST_CASE("when every key fits in one block (Lk <= 128), flash attention gives the plain path's bits") {
    // Then no running softmax is needed: the weights are made with the plain path's kernels, in its order,
    // and dK, dV summed over all queries at once, so training at short lengths is unchanged to the bit.
    for (const std::int64_t L : {1, 7, 64, 128}) {
      check_agreement(2, 3, L, L, 16, kFloat32, 0.0, 0.0);
      check_agreement(2, 3, L, L, 16, kFloat32, 0.1, 0.0);
    }
    check_agreement(2, 2, 300, 100, 8, kFloat32, 0.1, 0.0);  // many queries, few keys (cross-attention)
  }

  TEST_CASE("flash attention keeps the weights for backward only when the keys fit in one block") {
    // What the forward leaves alive for backward: with Lk <= 128 the weights [B, heads, Lq, Lk], as the
    // plain path keeps them (at most 128 a query row: still linear in Lq); with more keys one number per
    // query row; without autograd, nothing but the output.
    auto kept_bytes = [](std::int64_t L, bool grad) {
      Generator gen(1);
      Tensor q = randn({1, 2, L, 16}, gen), k = randn({1, 2, L, 16}, gen), v = randn({1, 2, L, 16}, gen);
      q.requires_grad_(grad);
      const double before = static_cast<double>(cache_stats().in_use_bytes);
      const Tensor out = flash_attention(q, k, v);
      return static_cast<double>(cache_stats().in_use_bytes) - before;  // the output and what is saved
    };
    const double weights_128 = 2.0 * 128 * 128 * sizeof(float), weights_300 = 2.0 * 300 * 300 * sizeof(float);
    CHECK(kept_bytes(128, true) - kept_bytes(128, false) >= weights_128);
    CHECK(kept_bytes(128, true) - kept_bytes(128, false) < 2 * weights_128);
    CHECK(kept_bytes(300, true) - kept_bytes(300, false) < weights_300 / 32);  // lse: 2 · 300 floats
  }

  TEST_CASE("gradcheck: flash attention with respect to q, k and v, every mask, with and without dropout") {
    const std::int64_t B = 2, H = 2, Lq = 5, Lk = 6, d = 3;
    const Inputs in{rand64({B, H, Lq, d}, 1), rand64({B, H, Lk, d}, 2), rand64({B, H, Lk, 2}, 3)};
    for (const NamedMask& m : every_mask(B, H, Lq, Lk, 11))
      for (const double p : {0.0, 0.3}) {
        CAPTURE(p);
        CHECK_GRADCHECK(
            [&](const Inputs& x) {
              Generator gen(5);  // the same mask on every call
              return flash_attention(x[0], x[1], x[2], m.mask, {.p = p, .training = true, .generator = &gen});
            },
            in, {.name = "flash_attention (" + m.name + ")"});
      }
    CHECK_GRADCHECK([](const Inputs& x) { return flash_attention(x[0], x[0], x[0], causal_mask(6)); },
                    {rand64({1, 2, 6, 4}, 4)}, {.name = "flash_attention (self-attention, causal)"});
  }

  TEST_CASE("flash attention gives the same bits on 1, 2 and 3 threads, forward and backward") {
    Generator gen(21);
    const Tensor q = randn({2, 3, 300, 16}, gen), k = randn({2, 3, 300, 16}, gen),
                 v = randn({2, 3, 300, 16}, gen);
    const Tensor R = randn({2, 3, 300, 16}, gen);
    const Tensor mask = logical_or(causal_mask(300), lt(rand({300, 300}, gen), 0.1));
    const int saved = num_threads();
    std::vector<Result> results;
    for (const int threads : {1, 2, 3}) {
      set_num_threads(threads);
      Generator drop(3);
      results.push_back(run(
          [&](const Tensor& a, const Tensor& b, const Tensor& c) {
            return flash_attention(a, b, c, mask, {.p = 0.1, .training = true, .generator = &drop});
          },
          q, k, v, R));
    }
    set_num_threads(saved);
    for (std::size_t i = 1; i < results.size(); ++i) {
      CHECK(sf::test::same_values(results[i].out, results[0].out));
      CHECK(sf::test::same_values(results[i].dq, results[0].dq));
      CHECK(sf::test::same_values(results[i].dk, results[0].dk));
      CHECK(sf::test::same_values(results[i].dv, results[0].dv));
    }
  }

  TEST_CASE("flash attention: a query that sees no key gets zeros, as in the plain path") {
    const Tensor q = rand64({1, 1, 3, 2}, 1), k = rand64({1, 1, 4, 2}, 2), v = rand64({1, 1, 4, 2}, 3);
    const Tensor mask = tensor({1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0}, {3, 4}).to(kBool);
    const Tensor out = flash_attention(q, k, v, mask);
    sf::test::check_values(out.select(2, 0), {0, 0}, 0);
    sum(out).backward();
    sf::test::check_values(q.grad().select(2, 0), {0, 0}, 0);
    const Tensor float_mask = masked_fill(zeros({3, 4}, {.dtype = kFloat64}), mask, -kInf);
    sf::test::check_values(flash_attention(q, k, v, float_mask).select(2, 0), {0, 0}, 0);
  }

  TEST_CASE("flash attention errors name the op, the shapes and the rule") {
    CHECK_THROWS_WITH_AS(
        flash_attention(zeros({2, 3, 4}), zeros({2, 3, 4}), zeros({2, 3, 4})),
        "flash_attention: expected q [B, heads, Lq, d_k], k [B, heads, Lk, d_k] and v [B, heads, "
        "Lk, d_v], got q [2, 3, 4], k [2, 3, 4] and v [2, 3, 4]",
        ShapeError);
    CHECK_THROWS_WITH_AS(
        flash_attention(zeros({1, 2, 3, 4}), zeros({1, 2, 5, 4}), zeros({1, 2, 5, 4}),
                        zeros({4}, {.dtype = kBool})),
        "flash_attention: mask of shape [4] does not broadcast to the scores' shape [1, 2, 3, 5] ([B, heads, "
        "queries, keys])",
        ShapeError);
    CHECK_THROWS_WITH_AS(
        flash_attention(zeros({1, 2, 3, 4}), zeros({1, 2, 5, 4}), zeros({1, 2, 5, 4}),
                        zeros({5}, {.dtype = kInt64})),
        "flash_attention: the mask must be bool (true = hidden) or float (added to the scores), got int64",
        TypeError);
    CHECK_THROWS_WITH_AS(flash_attention(zeros({1, 1, 2, 2}), zeros({1, 1, 2, 2}), zeros({1, 1, 2, 2}), {},
                                         {.p = 1.0, .training = true}),
                         "flash_attention: dropout probability must be in [0, 1), got 1", ValueError);
    const Tensor bias = zeros({2, 2}, {.requires_grad = true});
    CHECK_THROWS_AS(flash_attention(zeros({1, 1, 2, 2}), zeros({1, 1, 2, 2}), zeros({1, 1, 2, 2}), bias),
                    AutogradError);
  }
}
