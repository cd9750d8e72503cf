// Tests for examples/translator/spelling: the rules between neighbouring words.
#include <doctest/doctest.h>

#include "examples/translator/spelling.hpp"

using namespace sf::translator;

TEST_SUITE("ch13-translator") {
  TEST_CASE("spelling: English a becomes an before a vowel") {
    CHECK(english_spelling({"a", "old", "man", "sleeps"}) == "An old man sleeps.");
    CHECK(english_spelling({"I", "see", "a", "umbrella"}) == "I see an umbrella.");
    CHECK(english_spelling({"I", "see", "a", "small", "umbrella"}) == "I see a small umbrella.");
  }

  TEST_CASE("spelling: French elision joins the next word") {
    CHECK(french_spelling({"le", "arbre", "est", "vert"}) == "L'arbre est vert.");
    CHECK(french_spelling({"je", "aime", "la", "eau"}) == "J'aime l'eau.");
    CHECK(french_spelling({"je", "ne", "ai", "pas", "le", "homme"}) == "Je n'ai pas l'homme.");
    CHECK(french_spelling({"je", "habite", "près", "de", "un", "arbre"}) == "J'habite près d'un arbre.");
    CHECK(french_spelling({"le", "hibou", "dort"}) == "Le hibou dort.");  // aspirated h
    CHECK(french_spelling({"ce", "oiseau", "chante"}) == "Cet oiseau chante.");
    CHECK(french_spelling({"près", "de", "huit", "arbres"}) == "Près de huit arbres.");
  }

  TEST_CASE("spelling: French contractions - but not after an elision") {
    CHECK(french_spelling({"je", "vais", "à", "le", "parc"}) == "Je vais au parc.");
    CHECK(french_spelling({"je", "vais", "à", "les", "écoles"}) == "Je vais aux écoles.");
    CHECK(french_spelling({"il", "est", "près", "de", "le", "lit"}) == "Il est près du lit.");
    CHECK(french_spelling({"il", "est", "près", "de", "les", "lits"}) == "Il est près des lits.");
    CHECK(french_spelling({"je", "vais", "à", "le", "école"}) == "Je vais à l'école.");
    CHECK(french_spelling({"je", "vais", "à", "le", "vieil", "hôpital"}) == "Je vais au vieil hôpital.");
    CHECK(french_spelling({"il", "est", "près", "de", "la", "maison"}) == "Il est près de la maison.");
  }

  TEST_CASE("spelling: word count ignores the full stop and counts l'arbre once") {
    CHECK(count_words("L'arbre est vert.") == 3);
    CHECK(count_words("Je ne vais pas au parc.") == 6);
    CHECK(count_words("") == 0);
  }
}
