// vocab.hpp: the map between tokens and the integer ids a model sees.
//
// Ids 0..3 are the special tokens, always in this order: <pad> (0, fills short sentences in a
// batch), <s> (1, start of sentence), </s> (2, end of sentence), <unk> (3, any token not kept).
// The other tokens follow by decreasing count in the training text, ties in byte order, so that
// the same text always gives the same ids. A vocabulary file is UTF-8 text, one token per line,
// the four special tokens first. This file does not tokenize (see tokenizer.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sf::translator {

struct VocabConfig {
  std::int64_t min_count = 1;  // tokens seen fewer times than this become <unk>
  std::int64_t max_size = 0;   // at most this many ids, specials included; 0: no limit
};

class Vocab {
 public:
  static constexpr int pad_id = 0, bos_id = 1, eos_id = 2, unk_id = 3;
  static constexpr std::string_view pad = "<pad>", bos = "<s>", eos = "</s>", unk = "<unk>";

  /// Only the four special tokens.
  Vocab();

  /// The vocabulary of tokenized training sentences.
  /// Example: auto v = Vocab::build(token_lists, {.min_count = 2});
  static Vocab build(const std::vector<std::vector<std::string>>& sentences, const VocabConfig& config = {});

  /// Reads a vocabulary file. Throws sf::IOError naming the file and the line for a missing file,
  /// misplaced special tokens, an empty line, a duplicate token or invalid UTF-8.
  static Vocab load(const std::string& path);

  /// Writes the vocabulary file (through a temporary file; sf::IOError on failure).
  void save(const std::string& path) const;

  std::int64_t size() const { return static_cast<std::int64_t>(tokens_.size()); }

  /// The id of a token, unk_id if it is not in the vocabulary.
  int id(std::string_view token) const;

  /// The token of an id; throws sf::IndexError if the id is out of range.
  const std::string& token(int id) const;

  /// <s> tokens... </s> as ids. Example: v.encode({"le", "chat"}) == {1, 17, 42, 2}.
  std::vector<int> encode(const std::vector<std::string>& tokens) const;

  /// Tokens of the ids up to the first </s>, leaving out <pad> and <s>; an out-of-range id throws
  /// sf::IndexError. Example: v.decode({1, 17, 42, 2, 0, 0}) == {"le", "chat"}.
  std::vector<std::string> decode(const std::vector<int>& ids) const;

 private:
  void add(std::string token);

  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int> ids_;
};

}  // namespace sf::translator
