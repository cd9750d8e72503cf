// pretokenize.hpp: text → the "words" byte-pair encoding works inside, so that decoding is exact.
//
// Normalisation (normalise), the only change made to the text:
//   1. the text must be valid UTF-8 (sf::ValueError naming the byte offset otherwise);
//   2. U+2581 (▁, the space marker below) becomes a space;
//   3. each run of ASCII whitespace (space, \t, \n, \v, \f, \r) becomes one space, and spaces at both
//      ends are removed.
// Nothing else changes: case, accents, apostrophes (' and ’), punctuation and the no-break spaces
// French puts before ! ? ; : » (U+00A0, U+202F) are kept, so decode(encode(x)) == normalise(x).
//
// Pre-tokens (pretokenize), in the style of SentencePiece: a space is not dropped but becomes the
// visible marker ▁ at the start of the pre-token after it (the first one gets it too), so
//   "Le chat « noir » dort."  →  ▁Le ▁chat ▁« ▁noir ▁» ▁dort .
// Inside a space-separated chunk, a new pre-token also starts before and after each punctuation mark
// (is_split_punctuation: . , ! ? ; : « » " ( ) …), except that a mark right after a no-break space
// stays with it (" !" is one pre-token, so the spacing of French punctuation can be learned), and a
// no-break space always starts a pre-token. Apostrophes and hyphens stay inside words: "l'homme",
// "aujourd'hui", "peut-être" are one pre-token each. Merges never cross a pre-token boundary.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sf::text {

/// The space marker, U+2581 LOWER ONE EIGHTH BLOCK, in UTF-8.
inline constexpr std::string_view space_marker = "\xE2\x96\x81";

/// `text` after the three rules above. Example: normalise("  Le\tchat\n") == "Le chat".
std::string normalise(std::string_view text);

/// The pre-tokens of normalise(text). Concatenated, with ▁ turned back into spaces and the first one
/// dropped, they give normalise(text) again.
std::vector<std::string> pretokenize(std::string_view text);

/// Text from pre-tokens or pieces: concatenates them, turns each ▁ into a space and drops a leading space.
std::string join_pieces(const std::vector<std::string>& pieces);

}  // namespace sf::text
