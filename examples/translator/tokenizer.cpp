// tokenizer.cpp: the rules of tokenizer.hpp, applied to code points.
#include "examples/translator/tokenizer.hpp"

#include <algorithm>
#include <array>

#include "text/utf8.hpp"

namespace sf::translator {
namespace {

bool is_space(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\v' || c == U'\f' || c == U'\u00A0' ||
         c == U'\u202F' || c == U'\u2009';
}

bool is_punctuation(char32_t c) {
  static constexpr std::u32string_view marks = U".,!?;:«»\"()[]…“”";
  return marks.find(c) != std::u32string_view::npos;
}

bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }

// A letter, for the purpose of elision: ASCII letters and the accented letters from U+00C0 on
// (× and ÷ excluded), which covers French; other scripts count as letters too.
bool is_letter(char32_t c) {
  if ((c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z')) return true;
  return c >= 0xC0 && c != 0xD7 && c != 0xF7 && !is_space(c) && !is_punctuation(c) && c != U'\'' &&
         c != text::replacement_character;
}

bool is_clitic(std::u32string_view word) {
  static constexpr std::array<std::u32string_view, 13> clitics = {
      U"l", U"d", U"j", U"m", U"n", U"s", U"t", U"c", U"qu", U"jusqu", U"lorsqu", U"puisqu", U"quoiqu"};
  return std::find(clitics.begin(), clitics.end(), word) != clitics.end();
}

bool is_opening(std::string_view token) {
  return token == "(" || token == "[" || token == "«" || token == "“";
}

bool is_closing(std::string_view token) {
  static constexpr std::array<std::string_view, 11> closing = {".", ",", "!", "?", ";", ":",
                                                               ")", "]", "»", "”", "…"};
  return std::find(closing.begin(), closing.end(), token) != closing.end();
}

}  // namespace

char32_t to_lower(char32_t c) {
  if (c >= U'A' && c <= U'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;  // À..Þ, not ×
  if (c == 0x152) return 0x153;                            // Œ → œ
  if (c == 0x178) return 0xFF;                             // Ÿ → ÿ
  return c;
}

std::string lowercase(std::string_view text) {
  std::u32string code_points = text::decode_utf8(text::repair_utf8(text));
  for (char32_t& c : code_points) c = to_lower(c);
  return text::encode_utf8(code_points);
}

std::vector<std::string> tokenize(std::string_view text) {
  std::u32string s = text::decode_utf8(text::repair_utf8(text));
  for (char32_t& c : s) c = c == U'\u2019' ? U'\'' : to_lower(c);
  std::vector<std::string> tokens;
  std::u32string word;
  const auto flush = [&] {
    if (!word.empty()) tokens.push_back(text::encode_utf8(word));
    word.clear();
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    const char32_t next = i + 1 < s.size() ? s[i + 1] : U'\0';
    if (is_space(c)) {
      flush();
    } else if ((c == U'.' || c == U',') && !word.empty() && is_digit(word.back()) && is_digit(next)) {
      word.push_back(c);  // 3.5, 1,5
    } else if (is_punctuation(c)) {
      flush();
      tokens.push_back(text::encode_utf8(std::u32string(1, c)));
    } else if (c == U'\'') {
      if (!word.empty() && is_letter(word.back()) && is_letter(next)) {
        if (is_clitic(word)) {
          word.push_back(c);
          flush();  // "l'" and go on with "homme"
        } else {
          word.push_back(c);  // aujourd'hui, don't
        }
      } else {
        flush();
        tokens.emplace_back("'");
      }
    } else {
      word.push_back(c);
    }
  }
  flush();
  return tokens;
}

std::string detokenize(const std::vector<std::string>& tokens) {
  std::string text;
  bool glue_next = true;  // no space before the first token
  bool quote_open = false;
  for (const std::string& token : tokens) {
    bool glue_before = is_closing(token);
    bool glue_after = is_opening(token) || (token.size() > 1 && token.back() == '\'');
    if (token == "\"") {
      glue_before = quote_open;  // a closing quote sticks to the word before it
      glue_after = !quote_open;  // an opening one to the word after it
      quote_open = !quote_open;
    }
    if (!glue_next && !glue_before) text += ' ';
    text += token;
    glue_next = glue_after;
  }
  return text;
}

}  // namespace sf::translator
