// Tests for text/chrf: sacreBLEU's own expected values, then cases worked out by hand.
//
// The values marked "sacreBLEU" are the expected results in the public repository mjpost/sacrebleu:
// test/test_chrf.py (test_cases with eps_smoothing, test_cases_effective_order,
// test_cases_keep_whitespace, all with beta = 3; test_sentence_level_chrf with the defaults and
// eps_smoothing) and README.md (chrF2 = 59.73 on the "dog bit the man" example). Facts about
// sacreBLEU's output; the code here is ours.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "text/chrf.hpp"

using namespace sf::text;

namespace {

struct Case {
  std::vector<std::string> hyps, refs;  // one reference per hypothesis
  double expected;
};

double chrf(const Case& c, const ChrfConfig& config) {
  std::vector<std::vector<std::string>> refs;
  for (const auto& r : c.refs) refs.push_back({r});
  return corpus_chrf(c.hyps, refs, config).score;
}

}  // namespace

TEST_SUITE("ch14-bleu") {
  TEST_CASE("chrf: sacreBLEU's cases with epsilon smoothing, beta 3 (test_chrf.py test_cases)") {
    const Case cases[] = {
        {{"abcdefg"}, {"hijklmnop"}, 0.0},
        {{"a"}, {"b"}, 0.0},
        {{""}, {"b"}, 0.0},
        {{""}, {"ref"}, 0.0},
        {{""}, {"reference"}, 0.0},
        {{"aa"}, {"ab"}, 8.3333},
        {{"a", "b"}, {"a", "c"}, 8.3333},
        {{"a"}, {"a"}, 16.6667},
        {{"a b c"}, {"a b c"}, 50.0},
        {{"a b c"}, {"abc"}, 50.0},
        {{" risk assessment must be made of those who are qualified and expertise in the sector - these are "
          "the "
          "scientists ."},
         {"risk assessment has to be undertaken by those who are qualified and expert in that area - that is "
          "the "
          "scientists ."},
         63.361730},
        {{" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "},
         {"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."},
         64.1302698},
        {{"Niemand hat die Absicht, eine Mauer zu errichten"},
         {"Niemand hat die Absicht, eine Mauer zu errichten"},
         100.0},
    };
    for (const Case& c : cases) {
      CAPTURE(c.hyps[0]);
      CHECK(std::abs(chrf(c, {.beta = 3, .eps_smoothing = true}) - c.expected) < 1e-4);
    }
  }

  TEST_CASE("chrf: sacreBLEU's effective-order cases, beta 3 (test_cases_effective_order)") {
    const Case cases[] = {
        {{"a"}, {"a"}, 100.0},       {{""}, {"reference"}, 0.0}, {{"a b c"}, {"a b c"}, 100.0},
        {{"a b c"}, {"abc"}, 100.0}, {{""}, {"c"}, 0.0},         {{"a", "b"}, {"a", "c"}, 50.0},
        {{"aa"}, {"ab"}, 25.0},
    };
    for (const Case& c : cases) {
      CAPTURE(c.hyps[0]);
      CHECK(std::abs(chrf(c, {.beta = 3}) - c.expected) < 1e-4);
    }
  }

  TEST_CASE("chrf: sacreBLEU's cases keeping whitespace, beta 3 (test_cases_keep_whitespace)") {
    const Case cases[] = {
        {{"Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."},
         {"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."},
         67.3481606},
        {{"risk assessment must be made of those who are qualified and expertise in the sector - these are "
          "the "
          "scientists ."},
         {"risk assessment has to be undertaken by those who are qualified and expert in that area - that is "
          "the "
          "scientists ."},
         65.2414427},
    };
    for (const Case& c : cases) CHECK(std::abs(chrf(c, {.beta = 3, .whitespace = true}) - c.expected) < 1e-4);
  }

  TEST_CASE(
      "chrf: sacreBLEU's sentence-level cases, chrF2 with epsilon smoothing (test_sentence_level_chrf)") {
    const Case cases[] = {
        {{"Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře."},
         {"Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře."},
         39.14078509},
        {{"Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři."},
         {"A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři."},
         31.22557079},
        {{"Lapali po dechu, jejich životy skončily dřív, než skutečně začaly."},
         {"Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli."},
         57.15704367},
    };
    for (const Case& c : cases) CHECK(std::abs(chrf(c, {.eps_smoothing = true}) - c.expected) < 1e-4);
  }

  TEST_CASE("chrf: sacreBLEU's default chrF2 on its README example, two references") {
    const std::vector<std::string> hyps = {"The dog bit the man.", "It wasn't surprising.",
                                           "The man had just bitten him."};
    const std::vector<std::vector<std::string>> refs = {
        {"The dog bit the man.", "The dog had bit the man."},
        {"It was not unexpected.", "No one was surprised."},
        {"The man bit him first.", "The man had bitten the dog."},
    };
    CHECK(corpus_chrf(hyps, refs).format() == "chrF2|nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no = 59.73");
  }

  TEST_CASE("chrf: by hand") {
    // "ab" against "abc", orders 1 and 2, β = 1: P1 = 2/2, R1 = 2/3, P2 = 1/1, R2 = 1/2;
    // P = 1, R = 7/12, F1 = 2·P·R/(P + R) = (14/12)/(19/12) = 14/19.
    CHECK(corpus_chrf({"ab"}, {{"abc"}}, {.char_order = 2, .beta = 1}).score == doctest::Approx(1400.0 / 19));
    // Spaces do not count by default (Python's whitespace: the no-break space too); case does.
    CHECK(corpus_chrf({"le chat\u00A0!"}, {{"lechat!"}}).score == doctest::Approx(100.0));
    CHECK(corpus_chrf({"LE CHAT"}, {{"le chat"}}).score == 0.0);
    CHECK(corpus_chrf({"LE CHAT"}, {{"le chat"}}, {.lowercase = true}).score == doctest::Approx(100.0));
    // Several references: each sentence takes the one with the best F-score.
    CHECK(corpus_chrf({"chat"}, {{"chien", "chat"}}).score == doctest::Approx(100.0));
  }

  TEST_CASE("chrf: bad input is refused with a clear message") {
    CHECK_THROWS_WITH_AS((void)corpus_chrf({"a"}, {{"a"}, {"b"}}),
                         "corpus_chrf: 1 hypotheses but references for 2 sentences", sf::ValueError);
    CHECK_THROWS_WITH_AS((void)corpus_chrf({"a"}, {{""}}),
                         "corpus_chrf: sentence 1 has no non-empty reference", sf::ValueError);
    CHECK_THROWS_WITH_AS((void)corpus_chrf({"a"}, {{"a"}}, {.char_order = 0}),
                         "corpus_chrf: char_order 0 is outside 1..9", sf::ValueError);
  }
}
