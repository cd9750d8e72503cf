// Tests for examples/translator/tokenizer: case, apostrophes, punctuation, bad input, detokenizing.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "examples/translator/tokenizer.hpp"

using namespace sf::translator;
using Tokens = std::vector<std::string>;

TEST_SUITE("ch13-translator") {
  TEST_CASE("tokenizer: lower case of accented capitals") {
    CHECK(lowercase("ÉTÉ À PARIS, ÇA VA") == "été à paris, ça va");
    CHECK(lowercase("ŒUVRE ÎLE ÔTER ÜBER ÆON ÑANDÚ Ÿ") == "œuvre île ôter über æon ñandú ÿ");
    CHECK(lowercase("×") == "×");  // the multiplication sign is not a letter
  }

  TEST_CASE("tokenizer: French elision keeps the apostrophe on the clitic") {
    CHECK(tokenize("L'homme") == Tokens{"l'", "homme"});
    CHECK(tokenize("J'aime qu'il vienne") == Tokens{"j'", "aime", "qu'", "il", "vienne"});
    CHECK(tokenize("jusqu'à l'école") == Tokens{"jusqu'", "à", "l'", "école"});
    CHECK(tokenize("L’oiseau n’aime pas") == Tokens{"l'", "oiseau", "n'", "aime", "pas"});  // U+2019
    CHECK(tokenize("aujourd'hui") == Tokens{"aujourd'hui"});
    CHECK(tokenize("d'aujourd'hui") == Tokens{"d'", "aujourd'hui"});
  }

  TEST_CASE("tokenizer: English contractions stay whole") {
    CHECK(tokenize("Don't go, it's late. I'm here") ==
          Tokens{"don't", "go", ",", "it's", "late", ".", "i'm", "here"});
  }

  TEST_CASE("tokenizer: punctuation - French spaces and numbers") {
    CHECK(tokenize("Va !") == Tokens{"va", "!"});
    CHECK(tokenize("Quoi\u202F? Il dit\u00A0: « oui ».") ==
          Tokens{"quoi", "?", "il", "dit", ":", "«", "oui", "»", "."});
    CHECK(tokenize("He said \"no\"; (really)") ==
          Tokens{"he", "said", "\"", "no", "\"", ";", "(", "really", ")"});
    CHECK(tokenize("3.5 kg, 1,5 l.") == Tokens{"3.5", "kg", ",", "1,5", "l", "."});
    CHECK(tokenize("'quoted'") == Tokens{"'", "quoted", "'"});
    CHECK(tokenize("  ") == Tokens{});
  }

  TEST_CASE("tokenizer: malformed UTF-8 becomes U+FFFD and does not crash") {
    CHECK(tokenize("caf\xC3 bien") == Tokens{"caf\uFFFD", "bien"});
    CHECK(tokenize("\xFF\xFE'") == Tokens{"\uFFFD\uFFFD", "'"});
    CHECK(lowercase("\xC0\x80") == "\uFFFD\uFFFD");
  }

  TEST_CASE("tokenizer: detokenize joins back readable text") {
    CHECK(detokenize({"l'", "homme", "n'", "aime", "pas", "le", "chat", "."}) ==
          "l'homme n'aime pas le chat.");
    CHECK(detokenize({"quoi", "?", "«", "oui", "»", "(", "non", ")", ","}) == "quoi? «oui» (non),");
    CHECK(detokenize({"he", "said", "\"", "no", "\"", "."}) == "he said \"no\".");
    CHECK(detokenize({}).empty());
    const std::string text = "l'oiseau dort près de l'arbre.";
    CHECK(detokenize(tokenize(text)) == text);
  }
}
