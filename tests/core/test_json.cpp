// Tests for core/io/json.cpp: what the parser accepts, what it refuses (with the byte position),
// and that the writer's output parses back to the same tree.
#include "core/io/json.hpp"
#include "support.hpp"

using namespace sf;
using json::Value;

namespace {

/// The parser's error for `text` (empty if it parses).
std::string error_of(std::string_view text, int max_depth = 64) {
  try {
    json::parse(text, {.max_depth = max_depth});
  } catch (const ValueError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_SUITE("checkpoints") {
  TEST_CASE("json: objects, arrays, literals and whitespace") {
    const Value v = json::parse(" {\"a\": [1, -2, true, false, null], \"b\" : {}, \"c\":[]}\r\n\t");
    REQUIRE(v.kind == Value::Kind::Object);
    REQUIRE(v.members.size() == 3);
    CHECK(v.members[0].first == "a");  // document order is kept
    const Value& a = *v.find("a");
    REQUIRE(a.items.size() == 5);
    CHECK(a.items[0].integer == 1);
    CHECK(a.items[1].integer == -2);
    CHECK(a.items[2].boolean);
    CHECK(a.items[3].kind == Value::Kind::Bool);
    CHECK(a.items[4].kind == Value::Kind::Null);
    CHECK(v.find("b")->members.empty());
    CHECK(v.find("c")->items.empty());
    CHECK(v.find("missing") == nullptr);
  }

  TEST_CASE("json: escapes become the characters they name") {
    CHECK(json::parse(R"("a\"b\\c\/d\b\f\n\r\t")").string == "a\"b\\c/d\b\f\n\r\t");
    CHECK(json::parse(R"("\u00e9t\u00E9")").string == "été");
    CHECK(json::parse(R"("\u20ac")").string == "€");
    CHECK(json::parse(R"("\u0000")").string == std::string(1, '\0'));
    CHECK(json::parse("\"raw UTF-8: étudiant 😀\"").string == "raw UTF-8: étudiant 😀");
  }

  TEST_CASE("json: a surrogate pair becomes one 4-byte UTF-8 character") {
    CHECK(json::parse(R"("\ud83d\ude00")").string == "😀");                 // U+1F600
    CHECK(json::parse(R"("\uD834\uDD1E")").string == "\xF0\x9D\x84\x9E");  // U+1D11E, musical G clef
    CHECK(error_of(R"("\ude00")") == "json: at byte 1: lone low surrogate \\ude00");
    CHECK(error_of(R"("\ud83d")") ==
          "json: at byte 1: high surrogate \\ud83d is not followed by a low surrogate");
    CHECK(error_of(R"("\ud83d\u0041")") ==
          "json: at byte 1: high surrogate \\ud83d is followed by \\u41, not a low surrogate");
  }

  TEST_CASE("json: integers are exact int64, other numbers doubles") {
    CHECK(json::parse("9007199254740993").integer == 9007199254740993);  // 2^53 + 1: not a double
    CHECK(json::parse("9223372036854775807").integer == INT64_MAX);
    CHECK(json::parse("-9223372036854775808").integer == INT64_MIN);
    CHECK(json::parse("0").kind == Value::Kind::Integer);
    CHECK(json::parse("-0").integer == 0);
    CHECK(json::parse("1.5").number == 1.5);
    CHECK(json::parse("1e3").kind == Value::Kind::Double);
    CHECK(json::parse("-2.5E-3").number == -0.0025);
    CHECK(error_of("9223372036854775808") ==
          "json: at byte 0: integer 9223372036854775808 does not fit in 64 bits");
    CHECK(error_of("[1e999]") == "json: at byte 1: number 1e999 is out of the range of a double");
    CHECK(error_of("012") == "json: at byte 1: leading zeros are not allowed in a number");
    CHECK(error_of("1.") == "json: at byte 2: expected a digit after the decimal point");
    CHECK(error_of("1e+") == "json: at byte 3: expected a digit in the exponent");
    CHECK(error_of("-") == "json: at byte 1: expected a digit");
    CHECK(error_of("+1") == "json: at byte 0: unexpected '+', expected a value");
    CHECK(error_of(".5") == "json: at byte 0: unexpected '.', expected a value");
  }

  TEST_CASE("json: errors name the byte where the text goes wrong") {
    CHECK(error_of(R"({"shape": [2, 3] "dtype": "F32"})") ==
          "json: at byte 17: expected ',' or '}' after an object member");
    CHECK(error_of("[1 2]") == "json: at byte 3: expected ',' or ']' after an array element");
    CHECK(error_of("{1: 2}") == "json: at byte 1: expected a string key in an object");
    CHECK(error_of(R"({"a" 1})") == "json: at byte 5: expected ':' after an object key");
    CHECK(error_of(R"({"a": 1,})") == "json: at byte 8: expected a string key in an object");
    CHECK(error_of("[1,]") == "json: at byte 3: unexpected ']', expected a value");
    CHECK(error_of("") == "json: at byte 0: unexpected end of input, expected a value");
    CHECK(error_of("{\"a\": 1} x") == "json: at byte 9: unexpected 'x' after the end of the document");
    CHECK(error_of("tru") == "json: at byte 0: invalid literal, expected 'true'");
    CHECK(error_of("\"abc") == "json: at byte 4: unexpected end of input in a string");
    CHECK(error_of("\"a\tb\"") == "json: at byte 2: raw control character byte 0x09 in a string");
    CHECK(error_of(R"("\x")") == "json: at byte 1: invalid escape \\ followed by 'x'");
    CHECK(error_of(R"("\u12G4")") == "json: at byte 5: invalid hex digit 'G' in a \\u escape");
    CHECK(error_of("\"\xff\"") == "json: at byte 1: invalid UTF-8 (byte 0xff) in a string");
    CHECK(error_of("\"\xc3\"") == "json: at byte 1: invalid UTF-8 (byte 0xc3) in a string");  // cut short
    CHECK(error_of("\"\xed\xa0\x80\"") ==
          "json: at byte 1: invalid UTF-8 (byte 0xed) in a string");  // a surrogate
    CHECK(error_of("\"\xc0\xaf\"") ==
          "json: at byte 1: invalid UTF-8 (byte 0xc0) in a string");  // overlong '/'
    CHECK(error_of("\x01") == "json: at byte 0: unexpected byte 0x01, expected a value");
  }

  TEST_CASE("json: a key given twice is an error, at the second one") {
    CHECK(error_of(R"({"w": 1, "w": 2})") == "json: at byte 9: duplicate key \"w\"");
    CHECK(error_of(R"({"w": 1, "\u0077": 2})") ==
          "json: at byte 9: duplicate key \"w\"");  // the same after unescaping
  }

  TEST_CASE("json: nesting is limited, so hostile input cannot exhaust the stack") {
    CHECK(json::parse(std::string(64, '[') + std::string(64, ']')).kind == Value::Kind::Array);
    CHECK(error_of(std::string(65, '[') + std::string(65, ']')) ==
          "json: at byte 64: nesting deeper than 64 levels");
    CHECK(error_of(std::string(100000, '[')) == "json: at byte 64: nesting deeper than 64 levels");
    CHECK(error_of("[[[1]]]", 2) == "json: at byte 2: nesting deeper than 2 levels");
  }

  TEST_CASE("json: the number of values can be capped, so hostile input cannot exhaust memory") {
    CHECK(json::parse("[1, 2]", {.max_values = 3}).items.size() == 2);  // the array and its two items
    CHECK_THROWS_WITH_AS(json::parse("[1, 2, 3]", {.max_values = 3}), "json: at byte 7: more than 3 values",
                         ValueError);
  }

  TEST_CASE("json: the writer escapes what it must and parses back to the same tree") {
    Value doc = Value::object();
    doc.add("text", Value::from_string("quote \" backslash \\ newline \n tab \t bell \x07 été"));
    doc.add("ints",
            Value::array({Value::from_int(INT64_MIN), Value::from_int(0), Value::from_int(INT64_MAX)}));
    doc.add("reals", Value::array({Value::from_double(0.1), Value::from_double(-2.5e-300)}));
    doc.add("flags", Value::array({Value::from_bool(true), Value::null()}));
    const std::string text = json::write(doc);
    CHECK(text ==
          "{\"text\":\"quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007 été\","
          "\"ints\":[-9223372036854775808,0,9223372036854775807],\"reals\":[0.1,-2.5e-300],\"flags\":[true,"
          "null]}");
    const Value back = json::parse(text);
    CHECK(back.find("text")->string == doc.find("text")->string);
    CHECK(back.find("ints")->items[0].integer == INT64_MIN);
    CHECK(back.find("reals")->items[0].number == 0.1);
  }

  TEST_CASE("json: a double is written so that it reads back as the same double, never as an integer") {
    // Found by tests/fuzz/fuzz_json.cpp: 9.2e20 was written "922337203685477580800", which reads back
    // as an integer too large for int64, and so was refused.
    for (const double d : {1.0, -0.0, 0.0, 922337203685477580800.0, 1e300, 0.5, -3.0}) {
      const std::string text = json::write(Value::from_double(d));
      INFO(text);
      const Value back = json::parse(text);
      CHECK(back.kind == Value::Kind::Double);
      CHECK(std::signbit(back.number) == std::signbit(d));
      CHECK(back.number == d);
    }
    CHECK(json::write(Value::from_double(1.0)) == "1.0");
    CHECK(json::write(Value::from_double(-0.0)) == "-0.0");
    CHECK(json::write(Value::from_double(922337203685477580800.0)) == "922337203685477580800.0");
    CHECK(json::write(Value::from_double(1e300)) == "1e+300");
  }

  TEST_CASE("json: the writer refuses what it cannot write faithfully") {
    CHECK_THROWS_WITH_AS(json::write(Value::from_double(INFINITY)),
                         "json: cannot write the non-finite number inf", ValueError);
    CHECK_THROWS_WITH_AS(json::write(Value::from_string("bad \xff byte")),
                         "json: cannot write a string that is not valid UTF-8 (bad byte at offset 4)",
                         ValueError);
    Value twice = Value::object();
    twice.add("k", Value::null()).add("k", Value::null());
    CHECK_THROWS_WITH_AS(json::write(twice), "json: cannot write an object with the key \"k\" twice",
                         ValueError);
  }

  TEST_CASE("json: find_invalid_utf8 accepts every valid length and rejects the classic bad forms") {
    CHECK(json::find_invalid_utf8("aé€😀") == std::string_view("aé€😀").size());
    CHECK(json::find_invalid_utf8("ab\x80") == 2);            // a lone continuation byte
    CHECK(json::find_invalid_utf8("\xf4\x90\x80\x80") == 0);  // above U+10FFFF
    CHECK(json::find_invalid_utf8("\xe0\x80\xaf") == 0);      // overlong 3-byte form
    CHECK(json::find_invalid_utf8("ok\xe2\x82") == 2);        // cut short at the end
  }
}
