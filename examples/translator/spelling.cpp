// spelling.cpp: the rules between neighbouring words (see spelling.hpp).
#include "examples/translator/spelling.hpp"

#include <array>
#include <string_view>
#include <utility>

#include "examples/translator/lexicon.hpp"

namespace sf::translator {
namespace {

// Joins words with spaces, except after an elided word ("l'" + "arbre" → "l'arbre"); then an
// upper-case first letter and a full stop. Every sentence of the grammar starts with an ASCII letter.
std::string written(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) {
    if (!text.empty() && text.back() != '\'') text += ' ';
    text += word;
  }
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text + ".";
}

}  // namespace

std::string english_spelling(std::vector<std::string> words) {
  for (std::size_t i = 0; i + 1 < words.size(); ++i)
    if (words[i] == "a" && english_takes_an(words[i + 1])) words[i] = "an";
  return written(words);
}

std::string french_spelling(std::vector<std::string> words) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> elisions = {{
      {"le", "l'"},
      {"la", "l'"},
      {"je", "j'"},
      {"ne", "n'"},
      {"de", "d'"},
  }};
  // Left to right, so that "de le arbre" looks at "le" (no elision) before "le" becomes "l'".
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (!starts_with_vowel_sound(words[i + 1])) continue;
    if (words[i] == "ce") words[i] = "cet";
    for (const auto& [full, elided] : elisions)
      if (words[i] == full) words[i] = elided;
  }
  static constexpr std::array<std::array<std::string_view, 3>, 4> contractions = {{
      {"à", "le", "au"},
      {"à", "les", "aux"},
      {"de", "le", "du"},
      {"de", "les", "des"},
  }};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    bool contracted = false;
    for (const auto& [preposition, article, merged] : contractions) {
      if (i + 1 < words.size() && words[i] == preposition && words[i + 1] == article) {
        out.emplace_back(merged);
        ++i;
        contracted = true;
        break;
      }
    }
    if (!contracted) out.push_back(words[i]);
  }
  return written(out);
}

int count_words(const std::string& sentence) {
  int count = 0;
  bool in_word = false;
  for (char c : sentence) {
    const bool word_char = c != ' ' && c != '.';
    if (word_char && !in_word) ++count;
    in_word = word_char;
  }
  return count;
}

}  // namespace sf::translator
