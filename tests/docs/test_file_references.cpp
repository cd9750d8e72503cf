// A comment or a chapter that names a file sends the reader looking for it. This suite checks that
// every file the repository's prose names exists: in the chapters (docs/*.md, README.md), and in the
// comments of the sources (// lines in .cpp and .hpp, # lines in scripts and CMake files).
//
// A name counts as a file reference when it ends in one of the extensions below. It resolves when
// it is a path from the repository's root, a path from the folder of the file that names it, or
// the bare name of some file in the repository ("gemm.cpp" in a comment of core/gemm/ is fine).
// Files that the programs write or that a user supplies (a run's checkpoints, a training TSV) are
// listed in kWrittenOrSupplied: they exist only at run time.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support.hpp"

namespace fs = std::filesystem;
using sf::test::file_contents;
using sf::test::skipped_in_repository_walk;

namespace {

// Names of files that only exist once a program has run or a user has supplied them.
const std::set<std::string> kWrittenOrSupplied = {
    "model.safetensors",
    "training.safetensors",
    "history.tsv",
    "report.md",
    "pairs.tsv",
    "run.json",
    "vocab.txt",
    "settings.txt",
    "train.en",
    "train.fr",
    "val.en",
    "val.fr",
    "test.en",
    "test.fr",
    "test2016.en",
    "test2016.fr",
    "loss.svg",
    "tokens.txt",
    "validation.svg",
    "validation_bleu.svg",
    "checkpoint.safetensors",
    "tatoeba-eng-fra.tsv",
};

// Paths that lie outside the repository on purpose: a run's output folder (runs/..., or a folder the
// text calls DIR or OUT), and the peers folder beside a clone that the benchmarks compare with.
struct ProseLine {
  int number;  // from 1, in the file
  std::string text;
};

// A file of another project, cited as such: the line or the two before it name the project.
bool cited_from_another_project(const std::vector<ProseLine>& lines, std::size_t at) {
  for (std::size_t i = at >= 2 ? at - 2 : 0; i <= at; ++i) {
    std::string text = lines[i].text;
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* project : {"sacrebleu", "pytorch", "sentencepiece", "openblas", "blis", "llm.c"})
      if (text.find(project) != std::string::npos) return true;
  }
  return false;
}

bool outside_on_purpose(const std::string& named) {
  for (const char* prefix : {"runs/", "DIR/", "OUT/", "shared/", "../shared/"})
    if (named.rfind(prefix, 0) == 0) return true;
  return false;
}

std::vector<fs::path> repository_files(const fs::path& root) {
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && skipped_in_repository_walk(it->path().filename().string())) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) files.push_back(it->path());
  }
  return files;
}

// The prose of a file: the whole of a Markdown file, the comments of source and script files.
std::vector<ProseLine> prose_lines(const fs::path& file) {
  const std::string ext = file.extension().string();
  const std::string name = file.filename().string();
  const bool markdown = ext == ".md";
  const bool cpp = ext == ".cpp" || ext == ".hpp";
  const bool script =
      ext == ".sh" || ext == ".py" || ext == ".cmake" || name == "CMakeLists.txt" || name == "run";
  if (!markdown && !cpp && !script) return {};
  std::vector<ProseLine> lines;
  std::istringstream in(file_contents(file));
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (markdown) {
      lines.push_back({number, line});
    } else {
      const auto at = line.find(cpp ? "//" : "#");
      if (at != std::string::npos) lines.push_back({number, line.substr(at)});
    }
  }
  return lines;
}

bool path_character(char c) { return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_./-", c); }

// The file names in a line of prose: each run of path characters that ends in a known extension
// (a sentence's full stop after it is not part of it), and starts with a letter, a digit or an
// underscore, after an optional ./ or ../ (so absolute paths and web addresses are left out).
std::vector<std::string> file_names_in(const std::string& line) {
  static const char* const kExtensions[] = {".cpp", ".hpp",   ".md",  ".py",         ".sh",
                                            ".svg", ".cmake", ".tsv", ".safetensors"};
  std::vector<std::string> names;
  for (std::size_t i = 0; i < line.size();) {
    if (!path_character(line[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < line.size() && path_character(line[end])) ++end;
    std::string run = line.substr(i, end - i);
    i = end;
    while (!run.empty() && run.back() == '.') run.pop_back();
    std::size_t start = run.rfind("../", 0) == 0 ? 3 : run.rfind("./", 0) == 0 ? 2 : 0;
    if (start >= run.size() || !(std::isalnum(static_cast<unsigned char>(run[start])) || run[start] == '_'))
      continue;
    for (const char* ext : kExtensions) {
      const std::size_t n = std::strlen(ext);
      if (run.size() > n && run.compare(run.size() - n, n, ext) == 0) {
        names.push_back(run);
        break;
      }
    }
  }
  return names;
}

}  // namespace

TEST_SUITE("docs") {
  TEST_CASE("every file named in a chapter or a comment exists") {
    const fs::path root = SF_SOURCE_DIR;
    const std::vector<fs::path> files = repository_files(root);
    std::set<std::string> basenames;
    for (const auto& f : files) basenames.insert(f.filename().string());

    int references = 0;
    for (const auto& file : files) {
      const fs::path relative = fs::relative(file, root);
      const std::vector<ProseLine> lines = prose_lines(file);
      for (std::size_t at = 0; at < lines.size(); ++at) {
        const auto& [number, line] = lines[at];
        for (const std::string& named : file_names_in(line)) {
          ++references;
          const fs::path as_named(named);
          const bool found = fs::exists(root / as_named) || fs::exists(file.parent_path() / as_named) ||
                             (named.find('/') == std::string::npos && basenames.count(named) > 0) ||
                             kWrittenOrSupplied.count(as_named.filename().string()) > 0 ||
                             outside_on_purpose(named) || cited_from_another_project(lines, at);
          if (!found)
            FAIL_CHECK(relative.string()
                       << ":" << number << " names " << named << ", which is not in the repository");
        }
      }
    }
    CHECK(references > 100);  // the check really read the prose
  }
}
