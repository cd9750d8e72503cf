// doc_blocks.hpp: how docs/ chapters include real code and real output, so they cannot drift.
//
// In a chapter, a directive in an HTML comment is followed by a fenced block:
//
//   <!-- include core/ops/softmax.cpp:softmax-forward -->     the lines between `// [doc:softmax-forward]`
//   ```cpp                                                    and `// [doc:end]` in that source file
//   ...
//   ```
//   <!-- output examples/expected/ch01_tensor.txt:split -->   the section `=== split ===` of an
//   ```text                                                   example's committed expected output
//   ...                                                       (no `:section` = the whole file)
//   ```
//
// check_chapter() reports every block that differs from its source, every C++ block without an
// include directive, and every missing file, marker or local link; sync_chapter() rewrites the
// blocks from their sources (./run docs).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sf::docs {

/// The text a directive stands for, or an error message (ok == false).
struct Extract {
  bool ok = false;
  std::string text;  // without a trailing newline
  std::string error;
};

/// The lines between `// [doc:name]` and the next `// [doc:end]` in `file`, with their common
/// indentation removed.
Extract source_region(const std::filesystem::path& file, const std::string& name);

/// The lines after `=== name ===` up to the next `=== ` line (or the whole file if name is empty).
Extract output_section(const std::filesystem::path& file, const std::string& name);

/// Problems found in one chapter (empty when it is up to date). `root` is the repository.
std::vector<std::string> check_chapter(const std::filesystem::path& root,
                                       const std::filesystem::path& chapter);

/// Rewrites the chapter's included blocks from their sources; returns true if anything changed.
bool sync_chapter(const std::filesystem::path& root, const std::filesystem::path& chapter);

}  // namespace sf::docs
