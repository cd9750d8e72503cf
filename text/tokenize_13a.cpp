// tokenize_13a.cpp: the rules of tokenize_13a.hpp, each one pass over the code points. sacreBLEU writes
// rules 2 to 4 as regular expressions of two characters; a left-to-right scan that consumes both
// characters of a match is exactly what Python's re.sub does with them.
#include "text/tokenize_13a.hpp"

#include "text/unicode.hpp"
#include "text/utf8.hpp"

namespace sf::text {
namespace {

void replace_all(std::u32string& s, std::u32string_view from, std::u32string_view to) {
  std::u32string out;
  std::size_t start = 0;
  for (std::size_t at = s.find(from); at != std::u32string::npos; at = s.find(from, start)) {
    out.append(s, start, at - start);
    out.append(to);
    start = at + from.size();
  }
  out.append(s, start);
  s = std::move(out);
}

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_period_or_comma(char32_t c) { return c == '.' || c == ','; }

// Rule 2's class, the regular expression [\{-\~\[-\` -\&\(-\+\:-\@\/].
bool is_split_symbol(char32_t c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') ||
         (c >= '(' && c <= '+') || (c >= ':' && c <= '@') || c == '/';
}

// One pass of a two-character rule: where first(s[i]) and second(s[i+1]) hold, write `replace`.
template <class First, class Second, class Replace>
std::u32string two_character_rule(const std::u32string& s, First first, Second second, Replace replace) {
  std::u32string out;
  out.reserve(s.size() + s.size() / 4);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i + 1 < s.size() && first(s[i]) && second(s[i + 1])) {
      replace(out, s[i], s[i + 1]);
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> split_whitespace(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    std::size_t length = utf8_sequence(text, i, c);
    if (length == 0) {
      check_utf8(text, "split_whitespace");  // throws
    }
    if (is_python_space(c)) {
      if (in_word) words.push_back(std::move(current));
      current.clear();
      in_word = false;
    } else {
      current.append(text, i, length);
      in_word = true;
    }
    i += length;
  }
  if (in_word) words.push_back(std::move(current));
  return words;
}

// [doc:tokenize-13a]
std::string tokenize_13a(std::string_view line) {
  std::u32string s = decode_utf8(line, "tokenize_13a");
  while (!s.empty() && is_python_space(s.back())) s.pop_back();  // sacreBLEU's rstrip()
  // Rule 1: markup left over from SGML test sets.
  replace_all(s, U"<skipped>", U"");
  replace_all(s, U"-\n", U"");
  replace_all(s, U"\n", U" ");
  replace_all(s, U"&quot;", U"\"");
  replace_all(s, U"&amp;", U"&");
  replace_all(s, U"&lt;", U"<");
  replace_all(s, U"&gt;", U">");
  // Rule 2: symbols are tokens of their own.
  std::u32string spaced = U" ";
  for (const char32_t c : s) {
    if (is_split_symbol(c)) {
      spaced += U' ';
      spaced += c;
      spaced += U' ';
    } else {
      spaced += c;
    }
  }
  spaced += U' ';
  const auto not_digit = [](char32_t c) { return !is_digit(c); };
  // Rule 3: period and comma, unless a digit precedes / unless a digit follows.
  spaced = two_character_rule(spaced, not_digit, is_period_or_comma,
                              [](std::u32string& out, char32_t a, char32_t b) {
                                out += a;
                                out += U' ';
                                out += b;
                                out += U' ';
                              });
  spaced = two_character_rule(spaced, is_period_or_comma, not_digit,
                              [](std::u32string& out, char32_t a, char32_t b) {
                                out += U' ';
                                out += a;
                                out += U' ';
                                out += b;
                              });
  // Rule 4: a dash after a digit.
  spaced = two_character_rule(
      spaced, is_digit, [](char32_t c) { return c == '-'; },
      [](std::u32string& out, char32_t a, char32_t b) {
        out += a;
        out += U' ';
        out += b;
        out += U' ';
      });
  // Rule 5: single spaces between tokens.
  std::string joined;
  for (const std::string& word : split_whitespace(encode_utf8(spaced))) {
    if (!joined.empty()) joined += ' ';
    joined += word;
  }
  return joined;
}
// [doc:end]

}  // namespace sf::text
