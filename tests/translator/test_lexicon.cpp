// Tests for examples/translator/lexicon: the spelling facts and the tables' consistency.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/error.hpp"
#include "examples/translator/lexicon.hpp"

using namespace sf::translator;

TEST_SUITE("ch13-translator") {
  TEST_CASE("lexicon: French vowel sounds - silent and aspirated h") {
    CHECK(starts_with_vowel_sound("arbre"));
    CHECK(starts_with_vowel_sound("éléphant"));
    CHECK(starts_with_vowel_sound("œuf"));
    CHECK(starts_with_vowel_sound("homme"));        // silent h: l'homme
    CHECK(starts_with_vowel_sound("habite"));       // j'habite
    CHECK_FALSE(starts_with_vowel_sound("hibou"));  // aspirated h: le hibou
    CHECK_FALSE(starts_with_vowel_sound("huit"));   // près de huit arbres
    CHECK_FALSE(starts_with_vowel_sound("chat"));
    CHECK(english_takes_an("umbrella"));
    CHECK_FALSE(english_takes_an("small"));
  }

  TEST_CASE("lexicon: regular -er conjugation - with nous mangeons") {
    for (const Verb& v : verbs()) {
      if (v.english == "eat")
        CHECK(v.french ==
              std::array<std::string, 6>{"mange", "manges", "mange", "mangeons", "mangez", "mangent"});
      if (v.english == "like")
        CHECK(v.french == std::array<std::string, 6>{"aime", "aimes", "aime", "aimons", "aimez", "aiment"});
    }
  }

  TEST_CASE("lexicon: numbers two to ten - others refused") {
    CHECK(number_words(2)[1] == "deux");
    CHECK(number_words(10)[0] == "ten");
    CHECK_THROWS_WITH_AS(number_words(11), doctest::Contains("only 2..10"), sf::ValueError);
  }

  TEST_CASE("lexicon: every word is unique and every adjective meets some noun") {
    std::set<std::string> english_nouns;
    for (const Noun& n : nouns()) {
      CHECK(english_nouns.insert(n.english).second);
      CHECK(english_nouns.insert(n.english_plural).second);  // "fish" would make singular and plural alike
    }
    for (const Adjective& a : adjectives()) {
      int partners = 0;
      for (const Noun& n : nouns()) partners += fits(a, n) ? 1 : 0;
      CHECK_MESSAGE(partners >= 3, a.english);
    }
  }
}
