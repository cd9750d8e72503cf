// Tests for examples/translator/batching.cpp: teacher-forcing shifts, padding, bucketing.
#include <doctest/doctest.h>

#include <set>

#include "examples/translator/batching.hpp"

using namespace sf;
using namespace sf::translator;

TEST_SUITE("ch13-translator") {
  TEST_CASE("collate shifts the target: the decoder reads <s> y1 … ym and must answer y1 … ym </s>") {
    EncodedPair a{{1, 5, 6, 2}, {1, 7, 8, 9, 2}}, b{{1, 4, 2}, {1, 7, 2}};
    Batch batch = collate({&a, &b});
    CHECK(batch.source.to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 5, 6, 2, 1, 4, 2, 0});
    CHECK(batch.target_in.to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 7, 8, 9, 1, 7, 0, 0});
    CHECK(batch.target_out.to_vector<std::int64_t>() == std::vector<std::int64_t>{7, 8, 9, 2, 7, 2, 0, 0});
    CHECK(batch.target_tokens == 6);
    CHECK_THROWS_AS(collate({}), ValueError);
  }

  TEST_CASE("an epoch of batches holds every pair once, bucketed by length, in a seeded order") {
    std::vector<EncodedPair> pairs;
    for (int i = 0; i < 100; ++i) {
      std::vector<int> target{1};
      for (int k = 0; k < i % 7 + 1; ++k) target.push_back(10 + i);  // lengths 1..7, a marker per pair
      target.push_back(2);
      pairs.push_back({{1, 4 + i % 3, 2}, target});
    }
    Generator g1(5), g2(5);
    auto batches = make_batches(pairs, {.batch_size = 8}, g1);
    CHECK(batches.size() == 13);
    std::multiset<std::int64_t> markers;
    for (const Batch& b : batches) {
      const auto out = b.target_out.to_vector<std::int64_t>();
      for (auto v : out)
        if (v >= 10) markers.insert(v);
      // bucketing: within a batch the target lengths differ by at most one
      const std::int64_t T = b.target_out.size(1);
      std::int64_t shortest = T;
      for (std::int64_t r = 0; r < b.target_out.size(0); ++r) {
        std::int64_t len = 0;
        while (len < T && out[static_cast<std::size_t>(r * T + len)] != 0) ++len;
        shortest = std::min(shortest, len);
      }
      CHECK(T - shortest <= 1);
    }
    std::set<std::int64_t> distinct(markers.begin(), markers.end());
    CHECK(distinct.size() == 100);
    auto again = make_batches(pairs, {.batch_size = 8}, g2);
    CHECK(again[0].source.to_vector<std::int64_t>() == batches[0].source.to_vector<std::int64_t>());
  }

  TEST_CASE(
      "batches by tokens: each within the budget, every pair once per epoch, the same seed the same "
      "batches") {
    std::vector<EncodedPair> pairs;
    for (int i = 0; i < 120; ++i) {
      std::vector<int> source{1}, target{1};
      for (int k = 0; k < i % 11 + 1; ++k) source.push_back(4 + k);     // sources of 1..11 words
      for (int k = 0; k < i % 13 + 1; ++k) target.push_back(1000 + i);  // targets of 1..13 words, a marker
      source.push_back(2);
      target.push_back(2);
      pairs.push_back({source, target});
    }
    std::vector<int> long_source(60, 5);  // a pair alone over the budget makes a batch of its own
    pairs.push_back({long_source, {1, 1000 + 120, 2}});
    const BatchingConfig by_tokens{.batch_size = 3, .max_tokens = 40};  // batch_size is ignored then
    Generator g1(9), g2(9), g3(10);
    const auto batches = make_batches(pairs, by_tokens, g1);
    std::multiset<std::int64_t> markers;
    std::int64_t alone = 0;
    for (const Batch& b : batches) {
      const std::int64_t padded = b.source.size(0) * std::max(b.source.size(1), b.target_out.size(1));
      if (b.source.size(1) == 60) {
        ++alone;
        CHECK(b.source.size(0) == 1);
      } else {
        CHECK(padded <= 40);
      }
      for (auto v : b.target_out.to_vector<std::int64_t>())
        if (v >= 1000) markers.insert(v);
    }
    CHECK(alone == 1);
    std::set<std::int64_t> distinct(markers.begin(), markers.end());
    CHECK(distinct.size() == 121);  // every pair, each once (a pair's marker repeats only within its target)
    std::int64_t marker_tokens = 0;
    for (const EncodedPair& p : pairs) marker_tokens += static_cast<std::int64_t>(p.target.size()) - 2;
    CHECK(static_cast<std::int64_t>(markers.size()) == marker_tokens);
    const auto again = make_batches(pairs, by_tokens, g2);
    REQUIRE(again.size() == batches.size());
    for (std::size_t i = 0; i < batches.size(); ++i)
      CHECK(again[i].target_out.to_vector<std::int64_t>() == batches[i].target_out.to_vector<std::int64_t>());
    const auto other = make_batches(pairs, by_tokens, g3);
    bool same = other.size() == batches.size();
    for (std::size_t i = 0; same && i < batches.size(); ++i)
      same = other[i].target_out.to_vector<std::int64_t>() == batches[i].target_out.to_vector<std::int64_t>();
    CHECK_FALSE(same);  // another seed, another order
    std::vector<const EncodedPair*> two{&pairs[0], &pairs[12]};
    CHECK(padded_tokens(two) == 2 * 14);  // pair 12: 4 source tokens, 13 words + <s> fed to the decoder
    CHECK_THROWS_WITH_AS(make_batches(pairs, {.max_tokens = -1}, g1), doctest::Contains("max_tokens"),
                         ValueError);
  }
}
