// json.hpp: a small JSON reader and writer, enough for the header of a safetensors file.
//
// What it is: a strict RFC 8259 parser into a plain tree (Value), and a compact writer back to text.
//   - Strings are UTF-8. Escapes (\n, \", \u00e9, surrogate pairs \ud83d\ude00) become UTF-8 bytes;
//     raw bytes that are not valid UTF-8, raw control characters and lone surrogates are errors.
//   - A number without a fraction or exponent is an integer and must fit in int64 exactly
//     (safetensors offsets are byte positions: 2^53 + 1 must not become 2^53). Other numbers are
//     doubles.
//   - Objects keep their members in document order; a key that appears twice is an error, because
//     "which one wins" differs between libraries (a safetensors tensor named twice is ambiguous).
//   - Nesting is limited (64 levels by default), so hostile input cannot exhaust the stack, and the
//     number of values can be capped, so it cannot exhaust memory either.
// Every error is an sf::ValueError "json: at byte 17: expected ',' or '}' after an object member",
// with the byte offset counted from 0.
//
// What it is not: a general JSON library. No comments, no NaN, no streaming, no schema.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sf::json {

/// One JSON value. Only the field that matches `kind` is meaningful.
struct Value {
  enum class Kind { Null, Bool, Integer, Double, String, Array, Object };

  Kind kind = Kind::Null;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;
  std::string string{};
  std::vector<Value> items{};                            // Array
  std::vector<std::pair<std::string, Value>> members{};  // Object, in document order

  // ---- construction, for building a document to write ------------------------------------------
  static Value null() { return {}; }
  static Value from_bool(bool b);
  static Value from_int(std::int64_t i);
  static Value from_double(double d);
  static Value from_string(std::string s);
  static Value array(std::vector<Value> items = {});
  static Value object();
  /// Appends a member to an object (the caller keeps keys unique; write() checks).
  Value& add(std::string key, Value value);

  /// The member named `key` of an object, or null when absent (or when this is not an object).
  const Value* find(std::string_view key) const;
};

/// "null", "bool", "integer", "number", "string", "array", "object": for error messages.
const char* kind_name(Value::Kind kind);

/// Bounds on what a document may cost. A Value takes about 100 bytes, so "[0,0,0,...]" would
/// cost 50 times its length in memory: a caller reading untrusted text caps the number of values.
struct Limits {
  int max_depth = 64;                 // nesting of arrays and objects
  std::size_t max_values = SIZE_MAX;  // values of any kind, containers included
};

/// Parses a whole document (surrounding whitespace allowed, nothing else after it).
/// Example: json::parse(R"({"shape": [2, 3]})").find("shape")->items[1].integer == 3
Value parse(std::string_view text, Limits limits = {});

/// Compact text: no spaces, members in stored order, non-ASCII written as raw UTF-8.
/// Throws ValueError for a non-finite double, invalid UTF-8 in a string or a repeated key.
/// Example: json::write(json::Value::from_string("a\"b")) == R"("a\"b")"
std::string write(const Value& value);

/// The byte offset of the first invalid UTF-8 sequence in `s`, or s.size() when it is all valid.
std::size_t find_invalid_utf8(std::string_view s);

}  // namespace sf::json
