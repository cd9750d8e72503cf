// Tests for nn/decoder_only.cpp: the whole model's gradients, causality (no position sees its
// future), tied weights, sampling with temperature and top-k, and the error messages.
#include <set>

#include "nn/decoder_only.hpp"
#include "nn/loss.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::test::Inputs;

namespace {

DecoderOnlyConfig tiny(std::int64_t vocab = 7) {
  return {.vocab = vocab,
          .layer = {.d_model = 4, .heads = 2, .d_ff = 6, .dropout = 0.0, .dtype = kFloat64},
          .layers = 2,
          .max_len = 8,
          .pad_id = 0};
}

}  // namespace

TEST_SUITE("ch15-decoder-only") {
  TEST_CASE("gradcheck: a tiny decoder-only model's loss with respect to every parameter") {
    Generator gen(15);
    DecoderOnly model(tiny(), gen);
    const Tensor inputs = tensor({1, 3, 4, 5, 1, 6, 2, 0}, {2, 4}, {.dtype = kInt64});
    const Tensor targets = tensor({3, 4, 5, 2, 6, 2, 0, 0}, {2, 4}, {.dtype = kInt64});
    Inputs params = model.parameters();
    CHECK_GRADCHECK([&](const Inputs&) { return cross_entropy(model(inputs), targets, 0); }, params,
                    {.name = "DecoderOnly loss"});
  }

  TEST_CASE("causal: changing token t changes no logits before t") {
    Generator gen(3);
    DecoderOnly model(tiny(), gen);
    const Tensor a = model(tensor({1, 3, 4, 5, 6}, {1, 5}, {.dtype = kInt64}));
    const Tensor b = model(tensor({1, 3, 4, 2, 2}, {1, 5}, {.dtype = kInt64}));
    CHECK(sf::test::same_values(a.narrow(1, 0, 3), b.narrow(1, 0, 3)));  // positions 0..2 never saw 3 and 4
    CHECK_FALSE(sf::test::same_values(a.narrow(1, 3, 1), b.narrow(1, 3, 1)));
  }

  TEST_CASE("the output projection is the embedding table, listed once") {
    DecoderOnly model(tiny());
    CHECK(model.output_projection.weight.is_same(model.embedding.weight));
    int count = 0;
    for (const auto& [name, p] : model.named_parameters()) count += p.is_same(model.embedding.weight);
    CHECK(count == 1);
    // 7 x 4 table + 2 blocks x (attention 4 x (16 + 4) + feed-forward 4·6 + 6 + 6·4 + 4 + LayerNorms 16) +
    // bias 7
    CHECK(model.parameter_count() == 28 + 2 * (80 + 58 + 16) + 7);
  }

  TEST_CASE(
      "sampling: top-k 1 is greedy, top-k 2 never leaves the two best, a low temperature nearly greedy") {
    const std::vector<double> logits{0.1, 2.0, -1.0, 1.5, 0.0};
    Generator gen(1);
    std::set<int> seen_k2, seen_all;
    int best_at_low_t = 0;
    for (int i = 0; i < 200; ++i) {
      CHECK(sample_next(logits, {.top_k = 1}, gen) == 1);
      seen_k2.insert(sample_next(logits, {.top_k = 2}, gen));
      seen_all.insert(sample_next(logits, {.temperature = 1.0}, gen));
      best_at_low_t += sample_next(logits, {.temperature = 0.05}, gen) == 1;
    }
    CHECK(seen_k2 == std::set<int>{1, 3});
    CHECK(seen_all.size() == 5);
    CHECK(best_at_low_t == 200);  // e^{-0.5/0.05} = e^{-10}: the runner-up is almost never drawn
    Generator a(9), b(9);         // the same seed, the same draws
    for (int i = 0; i < 20; ++i) CHECK(sample_next(logits, {}, a) == sample_next(logits, {}, b));
  }

  TEST_CASE("generate stops at the stop token or at max_len, and keeps the prompt") {
    Generator gen(4);
    DecoderOnly model(tiny(), gen);
    const std::vector<int> out = generate(model, {1, 3}, 2, 8, {.top_k = 1}, gen);
    CHECK(out.size() <= 8);
    CHECK(out[0] == 1);
    CHECK(out[1] == 3);
    CHECK((out.size() == 8 || out.back() == 2));
  }

  TEST_CASE("decoder-only errors name the function and the rule") {
    Generator gen(0);
    CHECK_THROWS_WITH_AS(DecoderOnly(tiny(0)), "DecoderOnly: the vocabulary size must be positive, got 0",
                         ValueError);
    CHECK_THROWS_WITH_AS(sample_next({1.0, 2.0}, {.temperature = 0.0}, gen),
                         "sample_next: temperature must be positive, got 0", ValueError);
    CHECK_THROWS_WITH_AS(sample_next({}, {}, gen), "sample_next: empty logits", ValueError);
    DecoderOnly model(tiny());
    CHECK_THROWS_WITH_AS(generate(model, {}, 2, 8, {}, gen), "generate: the prompt needs at least one token",
                         ValueError);
    CHECK_THROWS_WITH_AS(generate(model, {1}, 2, 9, {}, gen),
                         "generate: max_len 9 exceeds the model's max_len 8", ValueError);
    CHECK_THROWS_AS(model(tensor({1, 2, 3}, {3}, {.dtype = kInt64})), ShapeError);
  }
}
