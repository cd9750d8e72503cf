// Tests for examples/common/text_file: the atomic write.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "examples/common/text_file.hpp"

TEST_SUITE("ch13-translator") {
  TEST_CASE("text file: replaces the old contents and leaves no temporary file") {
    const std::string path = (std::filesystem::temp_directory_path() / "sf_text_file_test.txt").string();
    sf::files::write_atomically(path, "first");
    sf::files::write_atomically(path, "second, été");
    std::ifstream in(path, std::ios::binary);
    std::stringstream contents;
    contents << in.rdbuf();
    CHECK(contents.str() == "second, été");
    CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    std::filesystem::remove(path);
  }

  TEST_CASE("text file: a missing directory is an IOError naming the path") {
    CHECK_THROWS_WITH_AS(sf::files::write_atomically("/nonexistent/dir/out.txt", "x"),
                         doctest::Contains("cannot write '/nonexistent/dir/out.txt'"), sf::IOError);
  }
}
