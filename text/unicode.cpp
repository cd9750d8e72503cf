// unicode.cpp: the tables of unicode.hpp, one range per line.
#include "text/unicode.hpp"

#include "text/utf8.hpp"

namespace sf::text {

bool is_python_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

char32_t to_lower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;  // À..Þ except ×
  if (c >= 0x100 && c <= 0x17F) {                          // Latin Extended-A: capital, small pairs
    if (c == 0x130) return 'i';                            // İ (Python adds U+0307, see lowercase)
    if (c == 0x178) return 0xFF;                           // Ÿ → ÿ
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 1) ? c + 1 : c;
    if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F) return c;
    return (c % 2 == 0) ? c + 1 : c;
  }
  if (c >= 0x1E00 && c <= 0x1EFF) {  // Latin Extended Additional (Vietnamese and more): even capitals
    if (c == 0x1E9E) return 0xDF;    // ẞ → ß
    if (c >= 0x1E96 && c <= 0x1E9F) return c;
    return (c % 2 == 0) ? c + 1 : c;
  }
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;  // Greek capitals Α..Ϋ
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if (c >= 0x410 && c <= 0x42F) return c + 32;  // Cyrillic А..Я
  if (c >= 0x400 && c <= 0x40F) return c + 80;  // Ѐ..Џ
  if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F))
    return (c % 2 == 0) ? c + 1 : c;
  if (c == 0x4C0) return 0x4CF;
  if (c >= 0x4C1 && c <= 0x4CE) return (c % 2 == 1) ? c + 1 : c;
  return c;
}

std::string lowercase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char32_t c : decode_utf8(text, "lowercase")) {
    append_utf8(out, to_lower(c));
    if (c == 0x130) append_utf8(out, 0x307);  // as Python: "İ".lower() == "i̇"
  }
  return out;
}

bool is_split_punctuation(char32_t c) {
  if (c < 0x80) {
    return (c >= 0x21 && c <= 0x2F && c != '\'' && c != '-') || (c >= 0x3A && c <= 0x40) ||
           (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
  }
  if (c >= 0xA1 && c <= 0xBF) return true;  // ¡ ¢ … « … » ¿ (Latin-1 punctuation and symbols)
  if (c == 0xD7 || c == 0xF7) return true;  // × ÷
  if (c >= 0x2011 && c <= 0x205E)
    return c != 0x2019 && c != 0x202F;          // dashes, quotes, …, ‰ (not ’, not a space)
  if (c >= 0x3001 && c <= 0x303F) return true;  // 、。「」 …
  return false;
}

}  // namespace sf::text
