// fuzz_json.cpp: a libFuzzer target for the JSON parser and writer (core/io/json.hpp), which read the
// header of every safetensors file.
//
// What it checks, for every input libFuzzer invents:
//   - json::parse never crashes, never reads out of bounds, never hits undefined behaviour
//     (AddressSanitizer and UndefinedBehaviorSanitizer watch), and refuses bad text only with an
//     sf::ValueError; a deep nesting is refused by the depth limit, not by running out of stack;
//   - whatever it accepts can be written, and the text is stable: write(parse(write(v))) is write(v);
//   - json::find_invalid_utf8 agrees with the parser about the strings it accepted.
// Any other exception escapes and libFuzzer reports it.
//
// How to run it: as fuzz_safetensors.cpp describes, with this target and its own seed corpus:
//   cmake --build build/sanitize -j2 --target fuzz_json
//   mkdir -p build/sanitize/corpus_json
//   build/sanitize/tests/fuzz/fuzz_json build/sanitize/corpus_json tests/fuzz/corpus_json \
//       -dict=tests/fuzz/safetensors.dict -max_len=4096 -malloc_limit_mb=512
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/io/json.hpp"

namespace {

/// Every string in v (keys included) is valid UTF-8.
bool strings_valid(const sf::json::Value& v) {
  if (v.kind == sf::json::Value::Kind::String)
    return sf::json::find_invalid_utf8(v.string) == v.string.size();
  for (const sf::json::Value& item : v.items)
    if (!strings_valid(item)) return false;
  for (const auto& [key, value] : v.members)
    if (sf::json::find_invalid_utf8(key) != key.size() || !strings_valid(value)) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sf::json::Value value;
  try {
    value = sf::json::parse(text);
  } catch (const sf::ValueError&) {
    return 0;  // refused with a message
  }
  if (!strings_valid(value)) std::abort();
  // Accepted: it can be written, and what is written reads back to the same text.
  const std::string once = sf::json::write(value);
  const std::string twice = sf::json::write(sf::json::parse(once));
  if (once != twice) std::abort();
  return 0;
}
