// utf8.cpp: each sequence is checked against the table of RFC 3629 §4 (see utf8.hpp).
#include "text/utf8.hpp"

#include <cstdint>
#include <cstdio>

#include "core/error.hpp"

namespace sf::text {
namespace {

std::string hex_byte(std::uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

// Why the sequence at text[i] is invalid (it is known to be).
std::string explain(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  if (lead >= 0x80 && lead <= 0xBF) return "a continuation byte " + hex_byte(lead) + " with no lead byte";
  if (lead == 0xC0 || lead == 0xC1) return "lead byte " + hex_byte(lead) + " always makes an overlong form";
  if (lead >= 0xF5) return "byte " + hex_byte(lead) + " never occurs in UTF-8";
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  for (std::size_t k = 1; k < length; ++k) {
    if (i + k >= text.size()) return str("a ", length, "-byte sequence cut short by the end of the text");
    if ((byte(i + k) & 0xC0) != 0x80)
      return str("a ", length, "-byte sequence cut short: byte ", k + 1, " is ", hex_byte(byte(i + k)));
  }
  if (lead == 0xE0 || lead == 0xF0) return "an overlong form (a shorter sequence encodes the same character)";
  if (lead == 0xED) return "a UTF-16 surrogate (U+D800..U+DFFF), not a character";
  return "a code point above U+10FFFF";
}

}  // namespace

std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  std::size_t length = 0;
  std::uint8_t low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong below U+0800
    if (lead == 0xED) high = 0x9F;  // U+D800..U+DFFF are surrogates, not characters
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong below U+10000
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // a continuation byte, C0/C1 (always overlong) or F5..FF
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  char32_t value = lead & (0xFF >> (length + 1));
  for (std::size_t k = 1; k < length; ++k) {
    if (k > 1 && (byte(i + k) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  code_point = value;
  return length;
}

std::optional<Utf8Problem> find_utf8_problem(std::string_view text) {
  char32_t ignored = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence(text, i, ignored);
    if (length == 0) return Utf8Problem{i, explain(text, i)};
    i += length;
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view text) { return !find_utf8_problem(text); }

void check_utf8(std::string_view text, std::string_view where) {
  if (const auto problem = find_utf8_problem(text)) {
    fail<ValueError>(where.empty() ? "" : str(where, ": "), "utf8: invalid UTF-8 at byte ", problem->offset,
                     ": ", problem->reason);
  }
}

std::u32string decode_utf8(std::string_view text, std::string_view where) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    const std::size_t length = utf8_sequence(text, i, c);
    if (length == 0) check_utf8(text, where);  // throws, naming the offset and the rule
    out.push_back(c);
    i += length;
  }
  return out;
}

std::string repair_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    const std::size_t length = utf8_sequence(text, i, c);
    if (length == 0) {
      append_utf8(out, replacement_character);
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) c = replacement_character;
  const auto put = [&](unsigned value) { out.push_back(static_cast<char>(value)); };
  if (c < 0x80) {
    put(c);
  } else if (c < 0x800) {
    put(0xC0 | (c >> 6));
    put(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    put(0xE0 | (c >> 12));
    put(0x80 | ((c >> 6) & 0x3F));
    put(0x80 | (c & 0x3F));
  } else {
    put(0xF0 | (c >> 18));
    put(0x80 | ((c >> 12) & 0x3F));
    put(0x80 | ((c >> 6) & 0x3F));
    put(0x80 | (c & 0x3F));
  }
}

std::string encode_utf8(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t c : code_points) append_utf8(out, c);
  return out;
}

}  // namespace sf::text
