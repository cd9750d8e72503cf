// tokenize_13a.hpp: sacreBLEU's default BLEU tokeniser, "13a" (the rules of mteval-v13a.pl, WMT's script).
//
// What it does to one line, in order (sacreBLEU 2.x, tokenizers/tokenizer_13a.py and tokenizer_re.py):
//   1. trailing whitespace is removed; "<skipped>" and "-\n" are deleted; "\n" becomes a space;
//      &quot; &amp; &lt; &gt; become " & < >;
//   2. each of  { | } ~ [ \ ] ^ _ ` ! " # $ % & ( ) * + : ; < = > ? @ /  gets a space on both sides;
//   3. . and , get a space before them unless a digit precedes, and after them unless a digit follows
//      (so "3.5" and "1,000" stay whole, "end." is split);
//   4. a - after a digit is split off ("1990-2000" → "1990 - 2000"); other hyphens and apostrophes stay;
//   5. whitespace runs (Python's str.split(): Unicode spaces too, such as the no-break space) become one
//      space, and the ends are trimmed.
// Both the hypothesis and the references go through it, on detokenised text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sf::text {

/// The 13a-tokenised line. Example: tokenize_13a("Le chat (noir) dort.") == "Le chat ( noir ) dort .".
/// Throws sf::ValueError on invalid UTF-8.
std::string tokenize_13a(std::string_view line);

/// Python's str.split() with no argument: the words between runs of Unicode whitespace.
std::vector<std::string> split_whitespace(std::string_view text);

}  // namespace sf::text
