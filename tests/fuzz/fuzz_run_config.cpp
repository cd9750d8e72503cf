// fuzz_run_config.cpp: a libFuzzer target for a translator run's settings and progress as read back
// from a checkpoint's metadata (RunConfig::from_metadata and its bounds table, run_config.cpp).
//
// Each input is lines "key<TAB>value" laid over the metadata of a valid run, so the fuzzer edits
// stored settings the way a damaged or hand-edited checkpoint would. from_metadata must accept it or
// refuse it with sf::IOError; what it accepts is within bounds, so building the model's config never
// throws anything but sf::Error. Any other exception, crash or sanitizer report is a finding.
//
// Run it as fuzz_safetensors.cpp describes, with this target:
//   build/sanitize/tests/fuzz/fuzz_run_config build/sanitize/corpus_run_config -max_len=4096
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "examples/translator/run_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sf::translator::RunConfig valid;
  valid.resolve_sizes();
  std::map<std::string, std::string> metadata = valid.to_metadata();
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(in, line);) {
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos)
      metadata.erase("run." + line);
    else
      metadata["run." + line.substr(0, tab)] = line.substr(tab + 1);
  }
  try {
    const sf::translator::RunConfig c = sf::translator::RunConfig::from_metadata(metadata);
    c.validate(true);  // accepted means within bounds
    (void)c.model_config(100, 100);
  } catch (const sf::IOError&) {
  } catch (const sf::ValueError&) {
  }
  return 0;
}
