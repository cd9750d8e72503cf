// Tests for examples/translator/bleu, on cases whose arithmetic is written out.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "examples/translator/bleu.hpp"

using namespace sf::translator;
using Tokens = std::vector<std::string>;

namespace {

Tokens words(const std::string& text) {
  std::istringstream in(text);
  Tokens out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE("bleu: a perfect match scores 1") {
    // p1..p4 = 6/6, 5/5, 4/4, 3/3; c = r = 6 so BP = 1; BLEU = 1.
    const BleuScore s = corpus_bleu({words("the cat is on the mat")}, {words("the cat is on the mat")});
    CHECK(s.bleu == doctest::Approx(1.0));
    CHECK(s.brevity_penalty == 1.0);
  }

  TEST_CASE("bleu: clipping - the paper's example") {
    // Candidate: "the" 7 times; reference has "the" twice, so the clipped unigram precision is 2/7.
    const Tokens candidate = words("the the the the the the the"), reference = words("the cat is on the mat");
    const BleuScore one = corpus_bleu({candidate}, {reference}, {.max_n = 1});
    CHECK(one.matches[0] == 2);
    CHECK(one.totals[0] == 7);
    CHECK(one.brevity_penalty == 1.0);  // c = 7 > r = 6
    CHECK(one.bleu == doctest::Approx(2.0 / 7.0));
    // "the the" never occurs in the reference: p2 = 0/6, so unsmoothed BLEU-4 is 0.
    CHECK(corpus_bleu({candidate}, {reference}).bleu == 0.0);
  }

  TEST_CASE("bleu: the brevity penalty") {
    // "the cat" against 6 reference words, n up to 2: p1 = 2/2, p2 = 1/1; c = 2 ≤ r = 6 so
    // BP = exp(1 − 6/2) = exp(−2) ≈ 0.135335; BLEU = BP · (1 · 1)^(1/2) = exp(−2).
    const BleuScore s = corpus_bleu({words("the cat")}, {words("the cat is on the mat")}, {.max_n = 2});
    CHECK(s.brevity_penalty == doctest::Approx(std::exp(-2.0)));
    CHECK(s.bleu == doctest::Approx(0.1353352832));
  }

  TEST_CASE("bleu: one word wrong in eight - n up to 4") {
    // a b c d e f g h against a b c d X f g h:
    //   p1 = 7/8; p2 = 5/7 (ab bc cd fg gh); p3 = 3/6 (abc bcd fgh); p4 = 1/5 (abcd); BP = 1.
    //   p1·p2·p3·p4 = 7/8 · 5/7 · 1/2 · 1/5 = 1/16, and (1/16)^(1/4) = 1/2.
    const BleuScore s = corpus_bleu({words("a b c d e f g h")}, {words("a b c d X f g h")});
    CHECK(s.matches == std::array<std::int64_t, 4>{7, 5, 3, 1});
    CHECK(s.totals == std::array<std::int64_t, 4>{8, 7, 6, 5});
    CHECK(s.bleu == doctest::Approx(0.5));
  }

  TEST_CASE("bleu: counts are summed over the corpus - not averaged over sentences") {
    // Sentence 1: "a b c" = reference: unigrams 3/3, bigrams 2/2. Sentence 2: "x y" vs "x z":
    // unigrams 1/2, bigrams 0/1. Corpus: p1 = 4/5, p2 = 2/3, c = r = 5, BLEU-2 = sqrt(8/15) ≈ 0.7303
    // (the mean of the sentence scores would be (1 + 0)/2 = 0.5).
    const BleuScore s = corpus_bleu({words("a b c"), words("x y")}, {words("a b c"), words("x z")}, {.max_n = 2});
    CHECK(s.precision[0] == doctest::Approx(0.8));
    CHECK(s.precision[1] == doctest::Approx(2.0 / 3.0));
    CHECK(s.bleu == doctest::Approx(std::sqrt(8.0 / 15.0)));
  }

  TEST_CASE("bleu: add-one smoothing for n >= 2") {
    // "x y" vs "x z", n up to 2: p1 = 1/2 (not smoothed), p2 = (0 + 1)/(1 + 1) = 1/2, BP = 1,
    // BLEU = sqrt(1/2 · 1/2) = 1/2. Unsmoothed, p2 = 0 gives 0.
    CHECK(corpus_bleu({words("x y")}, {words("x z")}, {.max_n = 2}).bleu == 0.0);
    const BleuScore s = corpus_bleu({words("x y")}, {words("x z")}, {.max_n = 2, .smoothing = BleuSmoothing::add_one});
    CHECK(s.bleu == doctest::Approx(0.5));
  }

  TEST_CASE("bleu: empty candidates score 0 - bad arguments are refused") {
    CHECK(corpus_bleu({{}}, {words("a b")}).bleu == 0.0);
    CHECK(corpus_bleu({}, {}).bleu == 0.0);
    CHECK_THROWS_WITH_AS(corpus_bleu({words("a")}, {}), doctest::Contains("1 candidates but 0 references"), sf::ValueError);
    CHECK_THROWS_WITH_AS(corpus_bleu({}, {}, {.max_n = 5}), doctest::Contains("max_n must be in 1..4"), sf::ValueError);
  }
}
