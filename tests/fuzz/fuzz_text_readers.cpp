// fuzz_text_readers.cpp: a libFuzzer target for the translator's readers of text files: pairs in a
// TSV file (read_tsv), line-aligned parallel files (read_lines, read_parallel_files) and a run's
// history.tsv (read_history). The input is the file; each reader accepts it or refuses it with
// sf::Error. Accepted TSV pairs are valid UTF-8 with both sides non-empty.
//
// Run it as fuzz_safetensors.cpp describes, with this target:
//   build/sanitize/tests/fuzz/fuzz_text_readers build/sanitize/corpus_text -max_len=4096
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "examples/translator/checkpointing.hpp"
#include "examples/translator/parallel_files.hpp"
#include "examples/translator/tsv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    std::istringstream in(text);
    for (const sf::translator::SentencePair& p : sf::translator::read_tsv(in).pairs)
      if (p.source.empty() || p.target.empty()) std::abort();
  } catch (const sf::Error&) {
  }
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("sf-fuzz-text-" + std::to_string(::getpid()))).string();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    (void)sf::translator::read_parallel_files(path, path);
  } catch (const sf::Error&) {
  }
  try {
    (void)sf::translator::read_history(path);
  } catch (const sf::Error&) {
  }
  return 0;
}
