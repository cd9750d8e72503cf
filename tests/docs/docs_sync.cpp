// docs_sync: refreshes (--write) or checks the blocks that docs/*.md include from sources and
// expected outputs. Usage: docs_sync [--write] <repository root>. ./run docs calls it.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <vector>

#include "doc_blocks.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  bool write = false;
  fs::path root = ".";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--write")
      write = true;
    else
      root = a;
  }
  std::vector<fs::path> chapters;
  for (const auto& e : fs::directory_iterator(root / "docs"))
    if (e.path().extension() == ".md") chapters.push_back(e.path());
  std::sort(chapters.begin(), chapters.end());
  int problems = 0;
  for (const auto& c : chapters) {
    if (write && sf::docs::sync_chapter(root, c))
      std::cout << "updated " << c.lexically_relative(root).string() << '\n';
    for (const auto& p : sf::docs::check_chapter(root, c)) {
      std::cerr << p << '\n';
      ++problems;
    }
  }
  return problems == 0 ? 0 : 1;
}
