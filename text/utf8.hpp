// utf8.hpp: strict UTF-8 decoding and encoding (RFC 3629) for the tokeniser and the scores.
//
// Strict means: no overlong forms (C0 80 for "\0"), no UTF-16 surrogates (ED A0 80), nothing above
// U+10FFFF, no stray continuation bytes. Text that breaks a rule is refused with an sf::ValueError that
// names the byte offset and what is wrong there, so a bad line in a corpus is found, not silently
// tokenised. repair_utf8() is the lenient alternative for text we produce ourselves (a model's bytes).
// This is not a Unicode library: no normalisation forms, no character database.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sf::text {

inline constexpr char32_t replacement_character = U'\uFFFD';

/// Where `text` stops being valid UTF-8, and why.
struct Utf8Problem {
  std::size_t offset = 0;  // byte offset of the sequence that breaks a rule
  std::string reason;      // e.g. "a continuation byte 0x80 with no lead byte"
};

/// The first problem in `text`, or nothing if it is valid UTF-8.
/// Example: find_utf8_problem("ab\xC3")->offset == 2 (a two-byte sequence cut short).
std::optional<Utf8Problem> find_utf8_problem(std::string_view text);

/// Whether `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

/// The code points of `text`. Throws sf::ValueError "utf8: invalid UTF-8 at byte N: <reason>"
/// (prefixed with `where` if given, e.g. a file name and line) for the first invalid sequence.
std::u32string decode_utf8(std::string_view text, std::string_view where = {});

/// Throws like decode_utf8 if `text` is not valid UTF-8; returns nothing.
void check_utf8(std::string_view text, std::string_view where = {});

/// `text` with every byte that does not start a valid sequence replaced by U+FFFD.
std::string repair_utf8(std::string_view text);

/// Appends the UTF-8 bytes of one code point (U+FFFD for a surrogate or a value above U+10FFFF).
void append_utf8(std::string& out, char32_t code_point);

/// The UTF-8 text of a sequence of code points.
std::string encode_utf8(std::u32string_view code_points);

/// Length in bytes of the valid sequence starting at text[i], with its code point; 0 if invalid.
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& code_point);

}  // namespace sf::text
