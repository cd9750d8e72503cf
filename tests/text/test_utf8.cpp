// Tests for text/utf8: strict decoding with errors that name the byte, and lenient repair.
#include <doctest/doctest.h>

#include <string>

#include "core/error.hpp"
#include "text/utf8.hpp"

using namespace sf::text;

TEST_SUITE("ch14-tokenisation") {
  TEST_CASE("utf8: valid text decodes and encodes back, including emoji, combining marks and CJK") {
    const std::string text = "étudiant œuf « ça » 😀 e\xCC\x81 漢字";
    CHECK(is_valid_utf8(text));
    CHECK(encode_utf8(decode_utf8(text)) == text);
    CHECK(decode_utf8("été") == U"été");
    CHECK(decode_utf8("😀") == U"\U0001F600");
  }

  TEST_CASE("utf8: each kind of invalid sequence is refused with its byte offset and the rule it breaks") {
    struct Case {
      std::string text;
      std::size_t offset;
      std::string reason;
    };
    const Case cases[] = {
        {"ab\xC3", 2, "2-byte sequence cut short by the end of the text"},
        {"a\x80", 1, "a continuation byte 0x80 with no lead byte"},
        {"\xC0\x80", 0, "lead byte 0xC0 always makes an overlong form"},
        {"xy\xE0\x80\x80", 2, "an overlong form"},
        {"\xED\xA0\x80", 0, "a UTF-16 surrogate"},
        {"\xF4\x90\x80\x80", 0, "a code point above U+10FFFF"},
        {"ok \xFF", 3, "byte 0xFF never occurs in UTF-8"},
        {"\xE2\x82z", 0, "3-byte sequence cut short: byte 3 is 0x7A"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.reason);
      CHECK_FALSE(is_valid_utf8(c.text));
      const auto problem = find_utf8_problem(c.text);
      REQUIRE(problem);
      CHECK(problem->offset == c.offset);
      CHECK(problem->reason.find(c.reason) != std::string::npos);
      try {
        (void)decode_utf8(c.text, "train.fr line 7");
        FAIL("no exception");
      } catch (const sf::ValueError& e) {
        const std::string message = e.what();
        CHECK(message.find("train.fr line 7: utf8: invalid UTF-8 at byte " + std::to_string(c.offset)) == 0);
        CHECK(message.find(c.reason) != std::string::npos);
      }
    }
  }

  TEST_CASE("utf8: repair replaces each bad byte by U+FFFD and keeps the rest") {
    CHECK(repair_utf8("a\xFF"
                      "b") ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(repair_utf8("\xC3") == "\xEF\xBF\xBD");
    CHECK(repair_utf8("été") == "été");
    std::string out;
    append_utf8(out, 0xD800);
    CHECK(out == "\xEF\xBF\xBD");
  }
}
