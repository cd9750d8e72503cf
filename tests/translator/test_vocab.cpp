// Tests for examples/translator/vocab: ids, min count, unk, save/load and its error messages.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "examples/translator/parallel_files.hpp"
#include "examples/translator/vocab.hpp"

using namespace sf::translator;
using Tokens = std::vector<std::string>;

namespace {

// A file in the build's temporary directory, removed at the end of the test.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& name, const std::string& contents = "")
      : path((std::filesystem::temp_directory_path() / ("sf_vocab_test_" + name)).string()) {
    if (!contents.empty()) std::ofstream(path, std::ios::binary) << contents;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

const std::vector<Tokens> corpus = {{"le", "chat", "dort"}, {"le", "chien", "dort"}, {"le", "chat", "mange"}};

}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE("vocab: special tokens first - then by count - ties in byte order") {
    const Vocab v = Vocab::build(corpus);
    CHECK(v.size() == 4 + 5);
    CHECK(v.token(0) == "<pad>");
    CHECK(v.token(1) == "<s>");
    CHECK(v.token(2) == "</s>");
    CHECK(v.token(3) == "<unk>");
    CHECK(v.token(4) == "le");    // 3 times
    CHECK(v.token(5) == "chat");  // 2 times, "chat" < "dort"
    CHECK(v.token(6) == "dort");
    CHECK(v.token(7) == "chien");  // once each, byte order
    CHECK(v.token(8) == "mange");
  }

  TEST_CASE("vocab: min count and max size send rare tokens to <unk>") {
    const Vocab v = Vocab::build(corpus, {.min_count = 2});
    CHECK(v.size() == 7);
    CHECK(v.id("chien") == Vocab::unk_id);
    CHECK(v.encode({"le", "chien", "dort"}) == std::vector<int>{1, 4, 3, 6, 2});
    CHECK(Vocab::build(corpus, {.max_size = 5}).size() == 5);
    CHECK_THROWS_WITH_AS(Vocab::build(corpus, {.min_count = 0}), doctest::Contains("min_count"),
                         sf::ValueError);
  }

  TEST_CASE("vocab: decode stops at </s> and skips <pad> and <s>") {
    const Vocab v = Vocab::build(corpus);
    CHECK(v.decode({1, 4, 5, 6, 2, 0, 0}) == Tokens{"le", "chat", "dort"});
    CHECK(v.decode({4, 0, 5}) == Tokens{"le", "chat"});
    CHECK_THROWS_WITH_AS(v.decode({4, 99}), doctest::Contains("id 99 is out of range [0, 9)"),
                         sf::IndexError);
  }

  TEST_CASE("vocab: save and load round trip - UTF-8 included") {
    const Vocab v = Vocab::build({{"l'", "été", "œuf", "«"}});
    TempFile file("roundtrip.txt");
    v.save(file.path);
    const Vocab loaded = Vocab::load(file.path);
    REQUIRE(loaded.size() == v.size());
    for (int i = 0; i < v.size(); ++i) CHECK(loaded.token(i) == v.token(i));
    CHECK(loaded.id("été") == v.id("été"));
  }

  TEST_CASE("vocab: a corrupt file is reported with its name and line") {
    const std::string header = "<pad>\n<s>\n</s>\n<unk>\n";
    TempFile duplicate("duplicate.txt", header + "chat\nchien\nchat\n");
    CHECK_THROWS_WITH_AS(
        Vocab::load(duplicate.path),
        doctest::Contains((duplicate.path + ":7: duplicate token 'chat' (first on line 5)").c_str()),
        sf::IOError);
    TempFile wrong_special("special.txt", "<pad>\n</s>\n<s>\n<unk>\n");
    CHECK_THROWS_WITH_AS(Vocab::load(wrong_special.path),
                         doctest::Contains(":2: expected the special token <s>, found '</s>'"), sf::IOError);
    TempFile empty_line("empty.txt", header + "chat\n\nchien\n");
    CHECK_THROWS_WITH_AS(Vocab::load(empty_line.path), doctest::Contains(":6: empty line"), sf::IOError);
    TempFile bad_bytes("bad.txt", header + "caf\xC3\n");
    CHECK_THROWS_WITH_AS(Vocab::load(bad_bytes.path), doctest::Contains(":5: invalid UTF-8"), sf::IOError);
    TempFile short_file("short.txt", "<pad>\n<s>\n");
    CHECK_THROWS_WITH_AS(Vocab::load(short_file.path), doctest::Contains(":3: missing special tokens"),
                         sf::IOError);
    CHECK_THROWS_WITH_AS(Vocab::load("/nonexistent/vocab.txt"),
                         "Vocab::load: cannot read '/nonexistent/vocab.txt': No such file or directory",
                         sf::IOError);
    const std::string dir = std::filesystem::temp_directory_path().string();  // not a file: a clear error
    CHECK_THROWS_WITH_AS(Vocab::load(dir),
                         ("Vocab::load: cannot read '" + dir + "': it is a directory").c_str(), sf::IOError);
    CHECK_THROWS_WITH_AS(read_parallel_files(dir, dir),
                         ("cannot read '" + dir + "': it is a directory").c_str(), sf::IOError);
  }

  TEST_CASE("vocab: CRLF line ends are accepted") {
    TempFile crlf("crlf.txt", "<pad>\r\n<s>\r\n</s>\r\n<unk>\r\nchat\r\n");
    CHECK(Vocab::load(crlf.path).id("chat") == 4);
  }

  TEST_CASE("vocab: saving into a missing directory names the path") {
    CHECK_THROWS_WITH_AS(Vocab().save("/nonexistent/dir/vocab.txt"),
                         doctest::Contains("cannot write '/nonexistent/dir/vocab.txt'"), sf::IOError);
  }
}
