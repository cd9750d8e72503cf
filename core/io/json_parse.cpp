// json_parse.cpp: the parser (recursive descent, one function per grammar rule) and the UTF-8
// checks it shares with the writer.
#include <charconv>
#include <cmath>
#include <string>
#include <system_error>
#include <unordered_set>

#include "core/error.hpp"
#include "core/io/json.hpp"

namespace sf::json {

// ---- UTF-8 -------------------------------------------------------------------------------------------

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is invalid (overlong forms,
/// surrogates U+D800..U+DFFF and code points above U+10FFFF are invalid, per RFC 3629).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF)
    n = 2;
  else if (b0 == 0xE0)
    n = 3, lo = 0xA0;
  else if (b0 == 0xED)
    n = 3, hi = 0x9F;  // would encode a surrogate above
  else if (b0 >= 0xE1 && b0 <= 0xEF)
    n = 3;
  else if (b0 == 0xF0)
    n = 4, lo = 0x90;
  else if (b0 == 0xF4)
    n = 4, hi = 0x8F;  // would go beyond U+10FFFF above
  else if (b0 >= 0xF1 && b0 <= 0xF3)
    n = 4;
  else
    return 0;
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::size_t find_invalid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return s.size();
}

// ---- parser ------------------------------------------------------------------------------------------

namespace {

/// 'x' for a printable ASCII character, "byte 0x9f" otherwise (the input may be binary garbage).
std::string describe(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7F) return std::string("'") + c + "'";
  const char* hex = "0123456789abcdef";
  return std::string("byte 0x") + hex[u >> 4] + hex[u & 0xF];
}

class Parser {
 public:
  Parser(std::string_view text, Limits limits) : text_(text), limits_(limits) {}

  Value document() {
    skip_whitespace();
    Value v = value(0);
    skip_whitespace();
    if (pos_ != text_.size()) error("unexpected ", describe(text_[pos_]), " after the end of the document");
    return v;
  }

 private:
  template <class... Args>
  [[noreturn]] void error(const Args&... what) const {
    fail<ValueError>("json: at byte ", pos_, ": ", what...);
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_whitespace() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
  }

  Value value(int depth) {
    if (++values_ > limits_.max_values) error("more than ", limits_.max_values, " values");
    if (at_end()) error("unexpected end of input, expected a value");
    switch (peek()) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return Value::from_string(string());
      case 't':
        return literal("true", Value::from_bool(true));
      case 'f':
        return literal("false", Value::from_bool(false));
      case 'n':
        return literal("null", Value::null());
      default:
        break;
    }
    if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number();
    error("unexpected ", describe(peek()), ", expected a value");
  }

  Value literal(std::string_view word, Value v) {
    if (text_.substr(pos_, word.size()) != word) error("invalid literal, expected '", word, "'");
    pos_ += word.size();
    return v;
  }

  void enter(int depth) const {
    if (depth > limits_.max_depth) error("nesting deeper than ", limits_.max_depth, " levels");
  }

  Value object(int depth) {
    enter(depth);
    Value obj = Value::object();
    std::unordered_set<std::string> keys;  // a set, not obj.find(): a hostile header may hold a million keys
    ++pos_;                                // '{'
    skip_whitespace();
    if (peek() == '}') {
      ++pos_;
      return obj;
    }
    while (true) {
      if (peek() != '"') error("expected a string key in an object");
      const std::size_t key_pos = pos_;
      std::string key = string();
      if (!keys.insert(key).second) {
        pos_ = key_pos;
        error("duplicate key \"", key, "\"");
      }
      skip_whitespace();
      if (peek() != ':') error("expected ':' after an object key");
      ++pos_;
      skip_whitespace();
      obj.add(std::move(key), value(depth));
      skip_whitespace();
      if (peek() == ',') {
        ++pos_;
        skip_whitespace();
      } else if (peek() == '}') {
        ++pos_;
        return obj;
      } else {
        error("expected ',' or '}' after an object member");
      }
    }
  }

  Value array(int depth) {
    enter(depth);
    Value arr = Value::array();
    ++pos_;  // '['
    skip_whitespace();
    if (peek() == ']') {
      ++pos_;
      return arr;
    }
    while (true) {
      arr.items.push_back(value(depth));
      skip_whitespace();
      if (peek() == ',') {
        ++pos_;
        skip_whitespace();
      } else if (peek() == ']') {
        ++pos_;
        return arr;
      } else {
        error("expected ',' or ']' after an array element");
      }
    }
  }

  std::uint32_t hex4() {
    if (pos_ + 4 > text_.size()) error("unexpected end of input in a \\u escape");
    std::uint32_t cp = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text_[pos_];
      cp <<= 4;
      if (c >= '0' && c <= '9')
        cp |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        cp |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        cp |= static_cast<std::uint32_t>(c - 'A' + 10);
      else
        error("invalid hex digit ", describe(c), " in a \\u escape");
      ++pos_;
    }
    return cp;
  }

  // \uXXXX, or a UTF-16 surrogate pair \uD83D\uDE00 for a code point above U+FFFF.
  std::uint32_t unicode_escape() {
    const std::size_t start = pos_ - 2;  // at the backslash
    const std::uint32_t first = hex4();
    if (first >= 0xDC00 && first <= 0xDFFF) {
      pos_ = start;
      error("lone low surrogate \\u", std::hex, first);
    }
    if (first < 0xD800 || first > 0xDBFF) return first;
    if (text_.substr(pos_, 2) != "\\u") {
      pos_ = start;
      error("high surrogate \\u", std::hex, first, " is not followed by a low surrogate");
    }
    pos_ += 2;
    const std::uint32_t second = hex4();
    if (second < 0xDC00 || second > 0xDFFF) {
      pos_ = start;
      error("high surrogate \\u", std::hex, first, " is followed by \\u", second, ", not a low surrogate");
    }
    return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
  }

  std::string string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (at_end()) error("unexpected end of input in a string");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) error("raw control character ", describe(c), " in a string");
      if (c == '\\') {
        pos_ += 2;
        if (pos_ > text_.size()) error("unexpected end of input in an escape");
        switch (text_[pos_ - 1]) {
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case '/':
            out += '/';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u':
            append_utf8(out, unicode_escape());
            break;
          default:
            pos_ -= 2;
            error("invalid escape \\ followed by ", describe(text_[pos_ + 1]));
        }
        continue;
      }
      const std::size_t n = utf8_sequence_length(text_, pos_);
      if (n == 0) error("invalid UTF-8 (", describe(c), ") in a string");
      out.append(text_.substr(pos_, n));
      pos_ += n;
    }
  }

  // RFC 8259: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  Value number() {
    const std::size_t start = pos_;
    const auto digits = [&] {
      const std::size_t from = pos_;
      while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
      return pos_ - from;
    };
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
      if (peek() >= '0' && peek() <= '9') error("leading zeros are not allowed in a number");
    } else if (digits() == 0) {
      error("expected a digit");
    }
    bool integral = true;
    if (peek() == '.') {
      ++pos_;
      integral = false;
      if (digits() == 0) error("expected a digit after the decimal point");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      integral = false;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (digits() == 0) error("expected a digit in the exponent");
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    const std::string_view literal = text_.substr(start, pos_ - start);
    if (integral) {
      std::int64_t i = 0;
      if (std::from_chars(first, last, i).ec != std::errc()) {
        pos_ = start;
        error("integer ", literal, " does not fit in 64 bits");
      }
      return Value::from_int(i);
    }
    double d = 0;
    if (std::from_chars(first, last, d).ec != std::errc() || !std::isfinite(d)) {
      pos_ = start;
      error("number ", literal, " is out of the range of a double");
    }
    return Value::from_double(d);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  Limits limits_;
  std::size_t values_ = 0;
};

}  // namespace

Value parse(std::string_view text, Limits limits) { return Parser(text, limits).document(); }

}  // namespace sf::json
