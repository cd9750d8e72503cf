// vocab.cpp: building, looking up, saving and loading a vocabulary (see vocab.hpp).
#include "examples/translator/vocab.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "examples/translator/parallel_files.hpp"
#include "text/utf8.hpp"

namespace sf::translator {

Vocab::Vocab() {
  for (std::string_view special : {pad, bos, eos, unk}) add(std::string(special));
}

void Vocab::add(std::string token) {
  ids_.emplace(token, static_cast<int>(tokens_.size()));
  tokens_.push_back(std::move(token));
}

Vocab Vocab::build(const std::vector<std::vector<std::string>>& sentences, const VocabConfig& config) {
  if (config.min_count < 1)
    fail<ValueError>("Vocab::build: min_count must be at least 1, got ", config.min_count);
  if (config.max_size != 0 && config.max_size < 4)
    fail<ValueError>("Vocab::build: max_size must be 0 (no limit) or at least 4 for the special tokens, got ",
                     config.max_size);
  std::map<std::string, std::int64_t> counts;  // ordered: ties below are broken by byte order
  for (const auto& sentence : sentences)
    for (const std::string& token : sentence) ++counts[token];
  std::vector<std::pair<std::string, std::int64_t>> kept;
  for (const auto& [token, count] : counts) {
    const bool special = token == pad || token == bos || token == eos || token == unk;
    if (count >= config.min_count && !special && !token.empty()) kept.emplace_back(token, count);
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  Vocab vocab;
  for (auto& [token, count] : kept) {
    if (config.max_size != 0 && vocab.size() >= config.max_size) break;
    vocab.add(std::move(token));
  }
  return vocab;
}

int Vocab::id(std::string_view token) const {
  const auto found = ids_.find(std::string(token));
  return found == ids_.end() ? unk_id : found->second;
}

const std::string& Vocab::token(int id) const {
  if (id < 0 || id >= size()) fail<IndexError>("Vocab::token: id ", id, " is out of range [0, ", size(), ")");
  return tokens_[static_cast<std::size_t>(id)];
}

std::vector<int> Vocab::encode(const std::vector<std::string>& tokens) const {
  std::vector<int> ids = {bos_id};
  for (const std::string& t : tokens) ids.push_back(id(t));
  ids.push_back(eos_id);
  return ids;
}

std::vector<std::string> Vocab::decode(const std::vector<int>& ids) const {
  std::vector<std::string> tokens;
  for (int i : ids) {
    const std::string& t = token(i);  // checks the range
    if (i == eos_id) break;
    if (i != pad_id && i != bos_id) tokens.push_back(t);
  }
  return tokens;
}

void Vocab::save(const std::string& path) const {
  std::string text;
  for (const std::string& t : tokens_) text += t + "\n";
  io::write_file_atomically(path, text);
}

Vocab Vocab::load(const std::string& path) {
  std::istringstream in(file_text(path, "Vocab::load"));
  const auto bad = [&](std::int64_t line, const auto&... what) {
    fail<IOError>("Vocab::load: ", path, ":", line, ": ", what...);
  };
  Vocab vocab;
  vocab.tokens_.clear();
  vocab.ids_.clear();
  std::string token;
  std::int64_t line = 0;
  while (std::getline(in, token)) {
    ++line;
    if (!token.empty() && token.back() == '\r') token.pop_back();  // a file saved with CRLF line ends
    if (token.empty()) bad(line, "empty line (a token cannot be empty)");
    if (!text::is_valid_utf8(token)) bad(line, "invalid UTF-8");
    if (line <= 4) {
      const std::string_view expected = std::array{pad, bos, eos, unk}[static_cast<std::size_t>(line - 1)];
      if (token != expected) bad(line, "expected the special token ", expected, ", found '", token, "'");
    }
    const auto previous = vocab.ids_.find(token);
    if (previous != vocab.ids_.end())
      bad(line, "duplicate token '", token, "' (first on line ", previous->second + 1, ")");
    vocab.add(token);
  }
  if (line < 4)
    bad(line + 1, "missing special tokens: a vocabulary file starts with <pad>, <s>, </s>, <unk>");
  return vocab;
}

}  // namespace sf::translator
