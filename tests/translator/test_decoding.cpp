// Tests for examples/translator/decoding.cpp: greedy decoding and beam search agree where they must.
#include <doctest/doctest.h>

#include <memory>

#include "core/autograd.hpp"
#include "examples/translator/decoding.hpp"
#include "examples/translator/vocab.hpp"

using namespace sf;
using namespace sf::translator;

namespace {
std::unique_ptr<nn::Transformer> tiny_model(std::uint64_t seed) {
  Generator gen(seed);
  nn::TransformerConfig c = nn::TransformerConfig::small(30, 30);
  c.layer.d_model = 32;
  c.layer.d_ff = 64;
  c.layer.dropout = 0.0;
  auto model = std::make_unique<nn::Transformer>(c, gen);
  model->eval();
  return model;
}
Tensor sentence(const std::vector<double>& ids) {
  return tensor(ids, {1, static_cast<std::int64_t>(ids.size())}, {.dtype = kInt64});
}
}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE("beam search of width 1 is greedy decoding") {
    for (std::uint64_t seed : {1, 2, 3}) {
      auto model = tiny_model(seed);
      const Tensor src = sentence({1, 5, 9, 13, 2});
      const auto greedy = greedy_decode(*model, src, 12);
      CHECK(beam_search(*model, src, {.width = 1, .length_penalty = 0.6, .max_len = 12}) == greedy[0]);
    }
  }

  TEST_CASE("greedy decoding of a padded batch equals decoding each sentence alone") {
    auto model = tiny_model(4);
    const Tensor batch = tensor({1, 5, 9, 13, 2, 1, 7, 2, 0, 0}, {2, 5}, {.dtype = kInt64});
    const auto together = greedy_decode(*model, batch, 10);
    CHECK(together[0] == greedy_decode(*model, sentence({1, 5, 9, 13, 2}), 10)[0]);
    CHECK(together[1] == greedy_decode(*model, sentence({1, 7, 2}), 10)[0]);
  }

  TEST_CASE("decoded tokens never contain <s> or </s>, and respect the length limit") {
    auto model = tiny_model(5);
    for (const auto& tokens : {greedy_decode(*model, sentence({1, 3, 4, 2}), 6)[0],
                               beam_search(*model, sentence({1, 3, 4, 2}), {.width = 3, .max_len = 6})}) {
      CHECK(tokens.size() <= 6);
      for (int t : tokens) CHECK((t != Vocab::bos_id && t != Vocab::eos_id));
    }
  }

  TEST_CASE("a wider beam never finds a less probable finished translation than greedy (up to the penalty)") {
    auto model = tiny_model(6);
    const Tensor src = sentence({1, 8, 6, 4, 2});
    std::vector<TraceStep> trace;
    greedy_decode(*model, src, 10, &trace);
    REQUIRE_FALSE(trace.empty());
    CHECK(trace[0].prefix == std::vector<int>{Vocab::bos_id});
    CHECK(trace[0].chosen == trace[0].top_candidates[0].first);  // greedy picks the most probable word
    CHECK(trace[0].top_candidates[0].second >= trace[0].top_candidates[1].second);
  }

  TEST_CASE("beam search checks its input") {
    auto model = tiny_model(7);
    CHECK_THROWS_AS(beam_search(*model, tensor({1, 2, 1, 2}, {2, 2}, {.dtype = kInt64}), {}), ShapeError);
    CHECK_THROWS_AS(beam_search(*model, sentence({1, 2}), {.width = 0}), ValueError);
  }

  TEST_CASE(
      "the source sets a length limit: min(max_len, 2 words + 10), for greedy decoding and beam search") {
    CHECK(kSourceLengthLimit.per_source_token == 2);
    CHECK(kSourceLengthLimit.extra == 10);
    CHECK(decoding_limit(5, 256) == 2 * 3 + 10);  // <s> w1 w2 w3 </s>
    CHECK(decoding_limit(5, 12) == 12);           // the caller's max_len when it is shorter
    CHECK(decoding_limit(2, 256) == 10);          // an empty sentence
    // An untrained model babbles: without the limit it would go on to max_len.
    int stopped_by_the_limit = 0;
    for (std::uint64_t seed : {1, 2, 3, 4, 5, 6, 7, 8}) {
      auto model = tiny_model(seed);
      const Tensor batch = tensor({1, 5, 9, 13, 2, 1, 7, 2, 0, 0}, {2, 5}, {.dtype = kInt64});
      const auto greedy = greedy_decode(*model, batch, 200);
      CHECK(greedy[0].size() <= 16);  // three words
      stopped_by_the_limit += greedy[0].size() == 16;
      CHECK(greedy[1].size() <= 12);  // one word (the padding is not counted)
      CHECK(greedy[1] == greedy_decode(*model, sentence({1, 7, 2}), 200)[0]);
      CHECK(beam_search(*model, sentence({1, 5, 9, 13, 2}), {.width = 3, .max_len = 200}).size() <= 16);
    }
    CHECK(stopped_by_the_limit > 0);
  }
}
