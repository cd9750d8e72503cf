// Tests for text/bleu: sacreBLEU's own expected values, then cases worked out by hand.
//
// The values marked "sacreBLEU" are the expected results in the public repository mjpost/sacrebleu:
// test/test_bleu.py (test_corpus_bleu_cases, test_bleu_max_order, test_raw_bleu_cases,
// test_case_effective_order, test_case_statistics, test_case_scoring, test_case_offset,
// test_case_degenerate_stats) and README.md (the "dog bit the man" example, with a variable number of
// references). They are facts about sacreBLEU's output; the code here is ours.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "text/bleu.hpp"

using namespace sf::text;

namespace {

// sacreBLEU's README corpus. sacreBLEU takes reference *streams*; ours are per hypothesis.
const std::vector<std::string> hyps = {"The dog bit the man.", "It wasn't surprising.",
                                       "The man had just bitten him."};
const std::vector<std::vector<std::string>> refs = {
    {"The dog bit the man.", "The dog had bit the man."},
    {"It was not unexpected.", "No one was surprised."},
    {"The man bit him first.", "The man had bitten the dog."},
};

// sacreBLEU's raw_corpus_bleu: no tokenisation, 'floor' smoothing, effective order.
BleuConfig raw(double floor) {
  return {.tokenizer = BleuTokenizer::none,
          .smoothing = BleuSmoothing::floor,
          .smooth_value = floor,
          .effective_order = true};
}

BleuStatistics statistics(std::vector<double> matches, std::vector<double> totals, std::int64_t sys,
                          std::int64_t ref) {
  return {std::move(matches), std::move(totals), sys, ref, 1, 1};
}

}  // namespace

TEST_SUITE("ch14-bleu") {
  TEST_CASE("bleu: sacreBLEU's default corpus BLEU on its README example (test_corpus_bleu_cases)") {
    const BleuScore s = corpus_bleu(hyps, refs);
    CHECK(s.score == doctest::Approx(48.530827).epsilon(1e-9));
    CHECK(std::abs(s.score - 48.530827) < 1e-6);
    CHECK(s.format() ==
          "BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = "
          "0.944 "
          "hyp_len = 17 ref_len = 18)");
    CHECK(s.sys_len == 17);
    CHECK(s.ref_len == 18);
    CHECK(std::abs(corpus_bleu(hyps, refs, {.smoothing = BleuSmoothing::none}).score - 48.530827) < 1e-6);
    CHECK(std::abs(corpus_bleu(hyps, refs, {.tokenizer = BleuTokenizer::none}).score - 49.1919566) < 1e-6);
    CHECK(corpus_bleu({"", "", ""}, refs).score == 0.0);  // empty hypotheses are kept, and score 0
  }

  TEST_CASE("bleu: sacreBLEU's scores for max_order 1 to 6 (test_bleu_max_order)") {
    const char* expected[] = {"77.65", "60.50", "53.93", "48.53", "46.14", "43.28"};
    for (int order = 1; order <= 6; ++order) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", corpus_bleu(hyps, refs, {.max_order = order}).score);
      CHECK(std::string(buf) == expected[order - 1]);
    }
  }

  TEST_CASE("bleu: a variable number of references (sacreBLEU README)") {
    // The README removes the first sentence's first reference (its snippet shows '' in both streams, but
    // its numbers, ref_len = 19, are those of one reference left: "The dog had bit the man.", 7 tokens).
    std::vector<std::vector<std::string>> var = refs;
    var[0][0] = "";
    CHECK(
        corpus_bleu(hyps, var).format() ==
        "BLEU|nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = "
        "0.895 hyp_len = 17 ref_len = 19)");
    var[0][1] = "";
    CHECK_THROWS_WITH_AS((void)corpus_bleu(hyps, var), "corpus_bleu: sentence 1 has no non-empty reference",
                         sf::ValueError);
  }

  TEST_CASE("bleu: sacreBLEU's raw BLEU cases (test_raw_bleu_cases, test_case_effective_order)") {
    CHECK(corpus_bleu({"this is a test", "another test"}, {{"ref1"}, {"ref2"}}, raw(0.01)).score == 0.0);
    CHECK(std::abs(corpus_bleu({"this is a test"}, {{"this is a test"}}, raw(0.01)).score / 100 - 1.0) <
          1e-8);
    CHECK(std::abs(corpus_bleu({"this is a fest"}, {{"this is a test"}}, raw(0.01)).score / 100 -
                   0.223606797749979) < 1e-8);
    CHECK(std::abs(corpus_bleu({"test"}, {{"a test"}}, raw(0.01)).score / 100 - 0.3678794411714425) < 1e-8);
    CHECK(std::abs(corpus_bleu({"a test"}, {{"a test"}}, raw(0.01)).score / 100 - 1.0) < 1e-8);
    CHECK(std::abs(corpus_bleu({"a little test"}, {{"a test"}}, raw(0.01)).score / 100 -
                   0.03218297948685433) < 1e-8);
  }

  TEST_CASE(
      "bleu: sacreBLEU's statistics, scoring and floor cases (test_case_statistics, _scoring, _offset)") {
    const BleuScore s =
        corpus_bleu({"am I am a character sequence"}, {{"I am a symbol string sequence a a"}}, raw(0.01));
    CHECK(s.matches == std::vector<double>{4, 2, 1, 0});
    CHECK(s.totals == std::vector<double>{6, 5, 4, 3});
    const BleuConfig none{.smoothing = BleuSmoothing::none};
    CHECK(std::abs(bleu_from_statistics(statistics({9, 7, 5, 3}, {10, 8, 6, 4}, 11, 11), none).score / 100 -
                   0.8375922397) < 1e-8);
    const std::vector<std::string> h = {"am I am a character sequence"};
    const std::vector<std::vector<std::string>> r = {{"I am a symbol string sequence a a"}};
    CHECK(corpus_bleu(h, r, raw(0.0)).score == 0.0);
    CHECK(std::abs(corpus_bleu(h, r, raw(-1)).score / 100 - 0.1555722182) < 1e-8);  // the default floor, 0.1
  }

  TEST_CASE("bleu: sacreBLEU's degenerate statistics score 0 (test_case_degenerate_stats)") {
    struct Case {
      std::vector<double> matches, totals;
      std::int64_t sys, ref;
      double floor;
    };
    const Case cases[] = {
        {{0, 0, 0, 0}, {4, 4, 2, 1}, 0, 1, 0.0}, {{0, 0, 0, 0}, {10, 11, 12, 0}, 14, 10, 0.0},
        {{0, 0, 0, 0}, {0, 0, 0, 0}, 0, 0, 0.0}, {{6, 5, 4, 0}, {6, 5, 4, 3}, 6, 6, 0.0},
        {{0, 0, 0, 0}, {0, 0, 0, 0}, 0, 0, 0.1}, {{0, 0, 0, 0}, {0, 0, 0, 0}, 1, 5, 0.01}};
    for (const Case& c : cases) {
      const BleuConfig floor{.smoothing = BleuSmoothing::floor, .smooth_value = c.floor};
      CHECK(bleu_from_statistics(statistics(c.matches, c.totals, c.sys, c.ref), floor).score == 0.0);
    }
  }

  TEST_CASE("bleu: by hand, exp smoothing halves each missing order") {
    // "a b c d" against "a b c e": p1 = 3/4, p2 = 2/3, p3 = 1/2, and no 4-gram matches (1 in total):
    // 'exp' counts it as 1/(2·1). BLEU = (75 · 66.67 · 50 · 50)^(1/4) = 12,500,000^(1/4).
    const BleuScore s = corpus_bleu({"a b c d"}, {{"a b c e"}});
    CHECK(s.precisions[3] == doctest::Approx(50.0));
    CHECK(s.score == doctest::Approx(std::pow(12.5e6, 0.25)).epsilon(1e-12));
    // Under four tokens a sentence has no 4-gram: with no smoothing to count it, BLEU is 0.
    CHECK(corpus_bleu({"a b"}, {{"a b"}}).score == 0.0);
  }

  TEST_CASE("bleu: by hand, the closest reference length sets the brevity penalty, shorter on a tie") {
    // 5 tokens against references of 4 and 6: both 1 away, the shorter (4) counts, so no penalty.
    CHECK(corpus_bleu({"a b c d e"}, {{"a b c d", "a b c d e f"}}).ref_len == 4);
    // 3 tokens against one reference of 6: BP = exp(1 − 6/3) = e^-1.
    const BleuScore s = corpus_bleu({"a b c"}, {{"a b c d e f"}}, {.max_order = 3});
    CHECK(s.ref_len == 6);
    CHECK(s.bp == doctest::Approx(std::exp(-1.0)));
    CHECK(s.score == doctest::Approx(100 * std::exp(-1.0)));
  }

  TEST_CASE("bleu: by hand, two references clip each n-gram by its largest count in any one of them") {
    // "the the the the" against "the cat" and "the the dog": "the" is clipped at 2 (second reference),
    // not 1 + 2 = 3.
    const BleuScore s = corpus_bleu({"the the the the"}, {{"the cat", "the the dog"}}, {.max_order = 1});
    CHECK(s.matches[0] == 2);
    CHECK(s.precisions[0] == doctest::Approx(50.0));
    // One reference undercounts: "dog" is right by the second reference only.
    CHECK(corpus_bleu({"a small dog"}, {{"a little dog", "a small dog"}}).score ==
          doctest::Approx(0.0).epsilon(1e-9));
  }

  TEST_CASE("bleu: cased and lowercased") {
    const std::vector<std::string> h = {"The Cat Sat On The Mat."};
    const std::vector<std::vector<std::string>> r = {{"the cat sat on the mat."}};
    CHECK(corpus_bleu(h, r).score < 20);
    CHECK(corpus_bleu(h, r, {.lowercase = true}).score == doctest::Approx(100.0));
    CHECK(corpus_bleu(h, r, {.lowercase = true}).signature() == "nrefs:1|case:lc|eff:no|tok:13a|smooth:exp");
    CHECK(corpus_bleu({"L'ÉTÉ À PARIS ÉTAIT CHAUD"}, {{"l'été à paris était chaud"}}, {.lowercase = true})
              .score == doctest::Approx(100.0));
  }

  TEST_CASE("bleu: bad input is refused with a clear message") {
    CHECK_THROWS_WITH_AS((void)corpus_bleu({"a"}, {}),
                         "corpus_bleu: 1 hypotheses but references for 0 sentences", sf::ValueError);
    CHECK_THROWS_WITH_AS((void)corpus_bleu({"a"}, {{"a"}}, {.max_order = 0}),
                         "corpus_bleu: max_order 0 is outside 1..9", sf::ValueError);
    CHECK_THROWS_AS((void)corpus_bleu({"bad \xFF"}, {{"a"}}), sf::ValueError);
  }
}
