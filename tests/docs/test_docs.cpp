// Every chapter in docs/ is checked: its code blocks are the real lines of the sources they name,
// its output blocks are the committed expected output of the example programs (which other tests
// compare with what the programs print), and its local links exist.
#include <doctest/doctest.h>

#include <filesystem>

#include "doc_blocks.hpp"

namespace fs = std::filesystem;

TEST_SUITE("docs") {
  TEST_CASE("every chapter's included code and output match their sources") {
    const fs::path root = SF_SOURCE_DIR;
    int chapters = 0;
    for (const auto& e : fs::directory_iterator(root / "docs")) {
      if (e.path().extension() != ".md") continue;
      ++chapters;
      for (const auto& problem : sf::docs::check_chapter(root, e.path())) FAIL_CHECK(problem);
    }
    CHECK(chapters > 0);
  }

  TEST_CASE("a marker that names a missing region is reported, not ignored") {
    const fs::path root = SF_SOURCE_DIR;
    const auto e = sf::docs::source_region(root / "core/autograd.cpp", "no-such-marker");
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("marker // [doc:no-such-marker] not found") != std::string::npos);
  }
}
