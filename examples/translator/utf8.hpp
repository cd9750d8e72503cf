// utf8.hpp: strict UTF-8 decoding and encoding (RFC 3629), for the tokenizer and the file readers.
//
// Strict means: no overlong forms (C0 80 for "\0"), no UTF-16 surrogates (ED A0 80), nothing above
// U+10FFFF, no stray continuation bytes. Decoding never fails: each byte that does not start a valid
// sequence becomes U+FFFD, the replacement character, so bad input cannot crash the tokenizer.
// This is not a Unicode library: no normalisation, no character classes beyond what we need.
#pragma once

#include <string>
#include <string_view>

namespace sf::translator {

inline constexpr char32_t replacement_character = U'\uFFFD';

/// Whether every byte of `text` belongs to a valid UTF-8 sequence.
/// Example: is_valid_utf8("étudiant") == true, is_valid_utf8("\xC3") == false (cut short).
bool is_valid_utf8(std::string_view text);

/// Code points of `text`; an invalid byte becomes one U+FFFD and decoding goes on at the next byte.
/// Example: decode_utf8("été") == U"été".
std::u32string decode_utf8(std::string_view text);

/// Appends the UTF-8 bytes of one code point (U+FFFD for a surrogate or a value above U+10FFFF).
void append_utf8(std::string& out, char32_t code_point);

/// The UTF-8 text of a sequence of code points.
std::string encode_utf8(std::u32string_view code_points);

}  // namespace sf::translator
