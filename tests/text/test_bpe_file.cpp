// Tests for text/bpe_file: the tokeniser file round-trips, and every kind of damage is reported with
// the file name and line, never a crash.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "support.hpp"
#include "text/bpe.hpp"

using namespace sf::text;

namespace {

Bpe small_tokeniser() {
  return Bpe::learn({"le chat noir dort", "les chats noirs dorment", "un chat\t« blanc »\u202F!", "le chien"},
                    {.vocab_size = 300});
}

std::string error_of(const std::string& text) {
  try {
    (void)Bpe::from_text(text, "run/tokens.bpe");
  } catch (const sf::IOError& e) {
    return e.what();
  }
  return "no error";
}

// The text with line `line` (1-based) replaced.
std::string with_line(const std::string& text, int line, const std::string& replacement) {
  std::string out;
  std::size_t start = 0;
  for (int i = 1; start < text.size(); ++i) {
    const std::size_t end = text.find('\n', start);
    out += (i == line ? replacement : text.substr(start, end - start)) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

TEST_SUITE("ch14-tokenisation") {
  TEST_CASE("bpe file: save and load give the same tokeniser") {
    const Bpe bpe = small_tokeniser();
    const sf::test::TempDir dir;
    const std::string path = dir / "tokeniser.bpe";
    bpe.save(path);
    const Bpe loaded = Bpe::load(path);
    CHECK(loaded.to_text() == bpe.to_text());
    CHECK(loaded.vocab_size() == bpe.vocab_size());
    const std::string line = "Les chats « noirs »\u202F! 😀";
    CHECK(loaded.encode(line) == bpe.encode(line));
    CHECK(loaded.decode(loaded.encode(line)) == line);
  }

  TEST_CASE("bpe file: the format is readable: header, checksum, counts, one line per character and merge") {
    const std::string text = small_tokeniser().to_text();
    CHECK(text.rfind("scratchformer-bpe 1\nchecksum ", 0) == 0);
    CHECK(text.find("\nvocab_size 294\n") !=
          std::string::npos);  // 20 characters, 14 merges: then pairs get rare
    CHECK(text.find("\nchar 260 ") != std::string::npos);
    CHECK(text.find("\\x09") == std::string::npos);  // tabs are whitespace: normalised away before learning
    CHECK(text.find("\nmerge ") != std::string::npos);
  }

  TEST_CASE("bpe file: damage is reported with the file and the line") {
    const std::string good = small_tokeniser().to_text();
    CHECK(error_of("") ==
          "bpe: run/tokens.bpe: line 1: the file ends here, but the header 'scratchformer-bpe 1' was "
          "expected (truncated?)");
    CHECK(error_of("hello\n") ==
          "bpe: run/tokens.bpe: line 1: not a scratchformer BPE tokeniser file (the first line "
          "should be 'scratchformer-bpe 1')");
    CHECK(error_of(with_line(good, 1, "scratchformer-bpe 2")) ==
          "bpe: run/tokens.bpe: line 1: format version 2 is not supported (this build reads version 1)");
    CHECK(error_of(with_line(good, 3, "vocab_size 301")) ==
          "bpe: run/tokens.bpe: line 5: vocab_size 301 is not 260 + 20 characters + 14 merges");
    CHECK(error_of(with_line(good, 5, "merges 9999999999999999")) ==
          "bpe: run/tokens.bpe: line 5: merges 9999999999999999 is more than 2^30");
    CHECK(error_of(with_line(good, 5, "merges 99999999999999999999")) ==
          "bpe: run/tokens.bpe: line 5: '99999999999999999999' is not a non-negative number");
    CHECK(error_of(with_line(good, 6, "char 260"))
              .find("bpe: run/tokens.bpe: line 6: expected character 1 of 20") == 0);
    CHECK(error_of(with_line(good, 7, "char 261 ab")) ==
          "bpe: run/tokens.bpe: line 7: 'ab' is not exactly one valid UTF-8 character");
    CHECK(
        error_of(with_line(good, 26, "merge 280 280 260 xx")).find("line 26: merge 280 joins 280 and 260") !=
        std::string::npos);
    // Cut short: the file ends in the middle of the merges, or in the middle of a line.
    const std::string cut = good.substr(0, good.find("\nmerge 284 ") + 1);
    CHECK(error_of(cut).find("line 30: the file ends here, but merge 5 of 14") != std::string::npos);
    CHECK(error_of(good.substr(0, good.size() - 3)).find("the last line has no line break") !=
          std::string::npos);
    CHECK(error_of(good + "merge 300 260 260 xx\n").find("unexpected text after the 14 merges") !=
          std::string::npos);
  }

  TEST_CASE("bpe file: an edit that keeps the structure is caught by the checksum") {
    const std::string good = small_tokeniser().to_text();
    // Character 274 is "b", which no merge uses: making it "z" leaves a well-formed file.
    const std::size_t at = good.find("\nchar 274 b\n");
    REQUIRE(at != std::string::npos);
    std::string edited = good;
    edited[at + std::string("\nchar 274 ").size()] = 'z';
    const std::string message = error_of(edited);
    CHECK(message.find("bpe: run/tokens.bpe: checksum mismatch: the file says ") == 0);
    CHECK(message.find("(the file is corrupt or was edited)") != std::string::npos);
  }

  TEST_CASE("bpe file: a missing or unwritable file is an IOError naming it") {
    CHECK_THROWS_WITH_AS((void)Bpe::load("/nonexistent/dir/tokens.bpe"),
                         "bpe: cannot open /nonexistent/dir/tokens.bpe", sf::IOError);
    CHECK_THROWS_WITH_AS(small_tokeniser().save("/nonexistent/dir/tokens.bpe"),
                         "bpe: cannot write /nonexistent/dir/tokens.bpe", sf::IOError);
  }
}
