// Tests for examples/translator/utf8: strict validation and replacement of bad bytes.
#include <doctest/doctest.h>

#include "examples/translator/utf8.hpp"

using namespace sf::translator;

TEST_SUITE("ch13-translator") {
  TEST_CASE("utf8: valid text round-trips") {
    const std::string text = "étudiant œuf « ça » 😀";
    CHECK(is_valid_utf8(text));
    CHECK(encode_utf8(decode_utf8(text)) == text);
    CHECK(decode_utf8("été") == U"été");
  }

  TEST_CASE("utf8: every kind of bad sequence is rejected and replaced - never crashes") {
    for (const std::string bad : {"\xC3", "\x80", "\xC0\x80", "\xE0\x80\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                  "\xFF", "\xE2\x82"}) {
      CAPTURE(bad.size());
      CHECK_FALSE(is_valid_utf8(bad));
      CHECK(decode_utf8(bad).find(replacement_character) != std::u32string::npos);
    }
    CHECK(decode_utf8("a\xFF" "b") == U"a\uFFFDb");
  }

  TEST_CASE("utf8: encoding a surrogate gives the replacement character") {
    std::string out;
    append_utf8(out, 0xD800);
    CHECK(out == "\xEF\xBF\xBD");
  }
}
