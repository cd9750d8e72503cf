// fuzz_command_line.cpp: a libFuzzer target for the translator's command-line parser (Options) with
// the train command's run options (run_options.cpp) and their bounds. The input is the arguments,
// one per line. Parsing and reading either succeed, with every number within its bound, or throw
// sf::ValueError; nothing else.
//
// Run it as fuzz_safetensors.cpp describes, with this target:
//   build/sanitize/tests/fuzz/fuzz_command_line build/sanitize/corpus_command_line -max_len=1024
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "examples/translator/options.hpp"
#include "examples/translator/run_options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(in, line);) args.push_back(line);
  sf::translator::Options o("translator train [options]", "fuzzing");
  sf::translator::add_run_options(o);
  o.add("out", "DIR", "output").add_flag("resume", "resume").add("beam", "N", "beam", "1");
  try {
    o.parse(args);
    const sf::translator::RunConfig c = sf::translator::read_run_options(o);
    c.validate();
    (void)o.help();
  } catch (const sf::ValueError&) {
  }
  return 0;
}
