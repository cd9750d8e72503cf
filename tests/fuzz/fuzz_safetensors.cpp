// fuzz_safetensors.cpp: a libFuzzer target for the safetensors reader (and the JSON parser under it).
//
// What it checks, for every input libFuzzer invents:
//   - parse_safetensors never crashes, never reads out of bounds, never hits undefined behaviour
//     (AddressSanitizer and UndefinedBehaviorSanitizer watch), never allocates absurd memory
//     (libFuzzer's -rss_limit_mb and -malloc_limit_mb stop it), and never throws anything but
//     sf::IOError;
//   - the checksums: the input is read as an import (Checksums::if_present, so that the fuzzer reaches
//     every rule behind them) and, when accepted, as a checkpoint too (Checksums::required), which
//     may only refuse it with an IOError;
//   - whatever it accepts can be written again, and writing is stable: serialize, parse (checksums
//     required: the writer added them), serialize gives the same bytes twice.
//
// How to run it for longer than CI does (from the repository root): the sanitizer build has the fuzz
// targets (clang, ASan and UBSan, libFuzzer); `./run test fuzz` installs clang, configures
// build/sanitize and runs CI's short pass (tests/fuzz/ci.sh), after which:
//
//   cmake --build build/sanitize -j2 --target fuzz_safetensors
//   mkdir -p build/sanitize/corpus
//   build/sanitize/tests/fuzz/fuzz_safetensors build/sanitize/corpus tests/fuzz/corpus \
//       -dict=tests/fuzz/safetensors.dict -max_len=4096 -malloc_limit_mb=512 -max_total_time=300
//
// New inputs go to build/sanitize/corpus (the first directory); tests/fuzz/corpus is the small seed
// corpus kept in the tree. A crash is written to ./crash-<sha1>; replay it with
//   build/sanitize/tests/fuzz/fuzz_safetensors crash-<sha1>
// and to replay the seeds once:
//   build/sanitize/tests/fuzz/fuzz_safetensors tests/fuzz/corpus/*
// CI runs tests/fuzz/ci.sh: the seeds, then a fixed number of inputs from a fixed seed (reproducible),
// for this target and the others beside it (fuzz_load_state_dict.cpp, fuzz_json.cpp).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/error.hpp"
#include "core/io/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  sf::SafetensorsFile file;
  try {
    file = sf::parse_safetensors(bytes, "fuzz input", sf::Checksums::if_present);
  } catch (const sf::IOError&) {
    return 0;  // refused with a message: exactly what should happen to most inputs
  }
  try {
    const sf::SafetensorsFile checked = sf::parse_safetensors(bytes, "fuzz input", sf::Checksums::required);
    if (checked.tensors.size() != file.tensors.size() || checked.metadata != file.metadata) std::abort();
  } catch (const sf::IOError&) {
    // a tensor without a checksum: refused as a checkpoint, as it should be
  }
  // Accepted: then it must round-trip. Any exception here escapes and libFuzzer reports it.
  const std::vector<std::byte> once = sf::serialize_safetensors(file.tensors, file.metadata);
  const sf::SafetensorsFile again = sf::parse_safetensors(once, "round trip", sf::Checksums::required);
  const std::vector<std::byte> twice = sf::serialize_safetensors(again.tensors, again.metadata);
  if (once != twice) std::abort();
  return 0;
}
