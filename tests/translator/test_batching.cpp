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
}
