// Tests for text/pretokenize and text/unicode: the normalisation, the pre-tokens and their round trip.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "text/pretokenize.hpp"
#include "text/unicode.hpp"

using namespace sf::text;

TEST_SUITE("ch14-tokenisation") {
  TEST_CASE("pretokenize: normalisation collapses ASCII whitespace and trims, nothing else") {
    CHECK(normalise("  Le\tchat \n\r dort  ") == "Le chat dort");
    CHECK(normalise("L'Été\u00A0!") == "L'Été\u00A0!");  // case, accents, no-break space kept
    CHECK(normalise("a\u2581b") == "a b");               // the marker itself becomes a space
    CHECK(normalise("") == "");
    CHECK_THROWS_WITH_AS(
        (void)normalise("ab\xC3"),
        "normalise: utf8: invalid UTF-8 at byte 2: a 2-byte sequence cut short by the end of the text",
        sf::ValueError);
  }

  TEST_CASE("pretokenize: spaces become ▁ on the next pre-token, punctuation stands alone") {
    CHECK(pretokenize("Le chat « noir » dort.") ==
          std::vector<std::string>{"▁Le", "▁chat", "▁«", "▁noir", "▁»", "▁dort", "."});
    CHECK(pretokenize("L'homme n'est pas là, aujourd'hui!") ==
          std::vector<std::string>{"▁L'homme", "▁n'est", "▁pas", "▁là", ",", "▁aujourd'hui", "!"});
    CHECK(pretokenize("peut-être (oui)") == std::vector<std::string>{"▁peut-être", "▁(", "oui", ")"});
    CHECK(pretokenize("...") == std::vector<std::string>{"▁.", ".", "."});
  }

  TEST_CASE("pretokenize: a no-break space starts a pre-token and keeps the mark after it") {
    CHECK(pretokenize("Vraiment\u202F?") == std::vector<std::string>{"▁Vraiment", "\u202F?"});
    CHECK(pretokenize("«\u00A0Oui\u00A0»") == std::vector<std::string>{"▁«", "\u00A0Oui", "\u00A0»"});
  }

  TEST_CASE("pretokenize: joining the pre-tokens gives the normalised text back") {
    for (const std::string text :
         {"Le chat « noir » dort.", "  a  b  ", "«\u00A0Oui\u00A0» dit-il\u202F!", "x", ""}) {
      CAPTURE(text);
      CHECK(join_pieces(pretokenize(text)) == normalise(text));
    }
  }

  TEST_CASE("unicode: Python's whitespace and lower case for Latin, Greek and Cyrillic") {
    CHECK(is_python_space(U'\u00A0'));
    CHECK(is_python_space(U'\u3000'));
    CHECK_FALSE(is_python_space(U'\u200B'));  // zero-width space: not whitespace in Python
    CHECK(lowercase("ÉTÉ À Paris, ŒUVRE, ŸVES") == "été à paris, œuvre, ÿves");
    CHECK(lowercase("ΑΘΉΝΑ МОСКВА Ǆ") == "αθήνα москва Ǆ");  // Ǆ (U+01C4) is outside the tables
    CHECK(lowercase("İ") == "i\u0307");
  }
}
