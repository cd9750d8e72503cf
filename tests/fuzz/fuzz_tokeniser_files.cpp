// fuzz_tokeniser_files.cpp: a libFuzzer target for a run's tokeniser files as read back: a word
// vocabulary (Vocab::load) and a BPE tokeniser (text::Bpe::load). The input is written to a file of
// this process and loaded as each; either loads or is refused with sf::Error (IOError, ValueError).
// A vocabulary that loads round-trips (save, load) to the same tokens.
//
// Run it as fuzz_safetensors.cpp describes, with this target:
//   build/sanitize/tests/fuzz/fuzz_tokeniser_files build/sanitize/corpus_tokeniser -max_len=4096
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "examples/translator/vocab.hpp"
#include "text/bpe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("sf-fuzz-tokeniser-" + std::to_string(::getpid()))).string();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    const sf::translator::Vocab vocab = sf::translator::Vocab::load(path);
    vocab.save(path + ".again");
    if (sf::translator::Vocab::load(path + ".again").size() != vocab.size()) std::abort();
  } catch (const sf::Error&) {
  }
  try {
    (void)sf::text::Bpe::load(path);
  } catch (const sf::Error&) {
  }
  return 0;
}
