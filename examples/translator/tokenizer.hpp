// tokenizer.hpp: cutting English or French text into word tokens, and joining them back.
//
// The rules, in the order they apply:
//   1. Invalid UTF-8 bytes become U+FFFD (never an error); ’ (U+2019) becomes '.
//   2. Lower case: ASCII, the Latin-1 capitals À..Þ (É → é, À → à, Ç → ç), Œ → œ, Ÿ → ÿ.
//   3. Spaces (including the no-break spaces French puts before ! ? ; :) separate tokens.
//   4. Each of . , ! ? ; : « » " ( ) [ ] … “ ” is a token of its own, except . and , between two
//      digits (3.5, 1,5 stay one token).
//   5. French elision: a clitic among l' d' j' m' n' s' t' c' qu' jusqu' lorsqu' puisqu' quoiqu'
//      is cut off the word it precedes, keeping its apostrophe: "l'homme" → "l'" "homme",
//      "qu'il" → "qu'" "il". Any other apostrophe inside a word stays there, which keeps
//      "aujourd'hui" whole and also every English contraction: "don't", "it's", "I'm" are one
//      token each (they are few, and splitting them gains a learner nothing). An apostrophe not
//      between two letters is a token of its own (a quotation mark).
// Not handled: other scripts' case, hyphenated words (kept whole: "peut-être"), URLs, numbers with
// signs. Detokenizing undoes rules 3 to 5 (see detokenize), not the lower case.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sf::translator {

/// Lower case of one code point (rule 2); others are returned unchanged.
char32_t to_lower(char32_t c);

/// The text in lower case (rules 1 and 2). Example: lowercase("ÉTÉ À Paris") == "été à paris".
std::string lowercase(std::string_view text);

/// Tokens of `text` (rules 1 to 5).
/// Example: tokenize("L'homme n'aime pas ça !") == {"l'", "homme", "n'", "aime", "pas", "ça", "!"}.
std::vector<std::string> tokenize(std::string_view text);

/// Readable text from tokens: one space between tokens, none before . , ! ? ; : ) ] » ” …, none
/// after ( [ « “ or an elided clitic ("l'" "homme" → "l'homme"); straight quotes " alternate
/// between opening and closing. French spacing before ! ? ; : is not restored (one rule for both
/// languages). Example: detokenize({"l'", "homme", "dort", "."}) == "l'homme dort."
std::string detokenize(const std::vector<std::string>& tokens);

}  // namespace sf::translator
