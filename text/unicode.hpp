// unicode.hpp: the few character classes the scores and the pre-tokeniser need, written out as tables
// instead of taken from a Unicode database (the project has no dependencies beyond the standard library).
//
// The scores follow sacreBLEU, which is Python: its whitespace is str.isspace() and its lower case is
// str.lower(). is_python_space() is exactly Python's set. to_lower() covers Basic Latin, Latin-1, Latin
// Extended-A and Additional, Greek and Cyrillic, which holds every letter of English and French; other
// scripts' capitals are returned unchanged, and Greek final sigma is not special-cased.
#pragma once

#include <string>
#include <string_view>

namespace sf::text {

/// Python's str.isspace(): ASCII \t \n \v \f \r and space, U+001C..U+001F, U+0085, U+00A0, U+1680,
/// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
bool is_python_space(char32_t c);

/// Lower case of one code point for the scripts listed above; others unchanged. U+0130 (İ) maps to
/// "i" + U+0307 in Python; here to "i" followed by the combining dot, through lowercase() below.
char32_t to_lower(char32_t c);

/// `text` in lower case, as Python's str.lower() for the scripts listed above. Throws sf::ValueError on
/// invalid UTF-8.
std::string lowercase(std::string_view text);

/// Whether the code point is punctuation or a symbol that the pre-tokeniser keeps as a piece of its
/// own: ASCII punctuation except the apostrophe and the hyphen, Latin-1 punctuation (« » ¡ ¿ …),
/// General Punctuation U+2010..U+205E except ’ (a French apostrophe) and the hyphen U+2010, and CJK
/// punctuation U+3000..U+303F.
bool is_split_punctuation(char32_t c);

}  // namespace sf::text
