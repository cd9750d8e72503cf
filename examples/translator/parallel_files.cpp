// parallel_files.cpp: reading two line-aligned files (see parallel_files.hpp).
#include "examples/translator/parallel_files.hpp"

#include <sstream>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "text/utf8.hpp"

namespace sf::translator {

std::string file_text(const std::string& path, const std::string& who) {
  try {
    const std::vector<std::byte> bytes = io::read_file(path);
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  } catch (const IOError& e) {
    if (who.empty()) throw;
    fail<IOError>(who, ": ", e.what());
  }
}

std::vector<std::string> read_lines(const std::string& path) {
  std::istringstream in(file_text(path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    text::check_utf8(line, path + ":" + std::to_string(lines.size() + 1));
    lines.push_back(std::move(line));
  }
  if (in.bad()) fail<IOError>("error while reading ", path);
  return lines;
}

std::vector<SentencePair> read_parallel_files(const std::string& source_path,
                                              const std::string& target_path) {
  const std::vector<std::string> source = read_lines(source_path), target = read_lines(target_path);
  if (source.size() != target.size())
    fail<ValueError>(source_path, " has ", source.size(), " lines but ", target_path, " has ", target.size(),
                     ": line i of one must translate line i of the other");
  std::vector<SentencePair> pairs;
  pairs.reserve(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) pairs.push_back({source[i], target[i]});
  return pairs;
}

}  // namespace sf::translator
