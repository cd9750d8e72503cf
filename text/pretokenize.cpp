// pretokenize.cpp: normalisation and pre-tokenisation, as documented in pretokenize.hpp.
#include "text/pretokenize.hpp"

#include "text/unicode.hpp"
#include "text/utf8.hpp"

namespace sf::text {
namespace {

bool is_ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// A no-break space: it glues the punctuation mark after it into its pre-token.
bool is_glue_space(char32_t c) { return c == 0xA0 || c == 0x202F; }

}  // namespace

std::string normalise(std::string_view text) {
  check_utf8(text, "normalise");
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool marker = text.substr(i, space_marker.size()) == space_marker;
    if (marker || is_ascii_space(text[i])) {
      pending_space = !out.empty();
      if (marker) i += space_marker.size() - 1;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(text[i]);
  }
  return out;
}

// [doc:pretokenize]
std::vector<std::string> pretokenize(std::string_view text) {
  const std::string normal = normalise(text);
  std::vector<std::string> out;
  bool after_space = true;  // the text starts as if after a space: its first pre-token gets ▁
  char32_t previous = 0;
  for (std::size_t i = 0; i < normal.size();) {
    char32_t c = 0;
    const std::size_t length = utf8_sequence(normal, i, c);
    if (c == ' ') {
      after_space = true;
    } else {
      const bool punctuation = is_split_punctuation(c);
      const bool starts = after_space || out.empty() || is_glue_space(c) ||
                          (punctuation && !is_glue_space(previous)) || is_split_punctuation(previous);
      if (starts) out.emplace_back(after_space ? space_marker : "");
      out.back().append(normal, i, length);
      after_space = false;
    }
    previous = c;
    i += length;
  }
  return out;
}
// [doc:end]

std::string join_pieces(const std::vector<std::string>& pieces) {
  std::string joined;
  for (const auto& p : pieces) joined += p;
  std::string out;
  out.reserve(joined.size());
  for (std::size_t i = 0; i < joined.size(); ++i) {
    if (joined.compare(i, space_marker.size(), space_marker) == 0) {
      if (!out.empty()) out.push_back(' ');
      i += space_marker.size() - 1;
    } else {
      out.push_back(joined[i]);
    }
  }
  return out;
}

}  // namespace sf::text
