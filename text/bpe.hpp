// bpe.hpp: a byte-pair-encoding tokeniser (Sennrich, Haddow and Birch 2016) with byte fallback.
//
// Text is normalised and cut into pre-tokens (pretokenize.hpp); each pre-token starts as a sequence of
// characters, and the learned merges, applied in the order they were learned, join neighbours into
// longer pieces. Ids are fixed:
//
//   0 <pad>   1 <bos>   2 <eos>   3 <unk> (reserved: encode never produces it)
//   4 .. 259           the 256 byte tokens <0x00> .. <0xFF>
//   260 .. 260+K-1     the K characters of the training text, most frequent first (ties: lower code point)
//   260+K ..           one piece per merge, in the order the merges were learned
//
// Byte fallback: a character not among the K (never seen, or rarer than min_character_count) is encoded
// as the byte tokens of its UTF-8 bytes, so encode() never needs <unk> and decode() gives the text back.
//
// Learning (bpe_learn.cpp) counts every adjacent pair of symbols over the table of distinct pre-tokens,
// weighted by how often each occurs, and repeatedly merges the most frequent pair. Ties: the pair with
// the smaller left piece wins (comparing UTF-8 bytes), then the smaller right piece, then the smaller ids.
// After each merge only the pre-tokens that contained the pair are recounted, and a heap with lazy
// deletion finds the next best pair, so learning costs about the size of the text, not merges × text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sf::text {

struct BpeConfig {
  std::int64_t vocab_size = 8000;        // every id: 4 special + 256 byte tokens + characters + merges
  std::int64_t min_character_count = 1;  // rarer characters are left to byte fallback
  std::int64_t min_pair_count = 2;       // learning stops early when the best pair is rarer than this
};

class Bpe {
 public:
  static constexpr std::int32_t pad_id = 0, bos_id = 1, eos_id = 2, unk_id = 3;
  static constexpr std::int32_t first_byte_id = 4;                         // <0x00> is 4, <0xFF> is 259
  static constexpr std::int32_t first_character_id = first_byte_id + 256;  // 260

  /// One learned merge: pieces `left` and `right` side by side become piece `result`.
  struct Merge {
    std::int32_t left = 0, right = 0, result = 0;
  };

  /// A tokeniser from its characters (ids 260, 261, ...) and merges (ids after them, in order).
  /// Throws sf::ValueError if a merge names an id not defined before it.
  Bpe(std::vector<char32_t> characters, std::vector<Merge> merges);

  /// Learns characters and merges from lines of training text (each line is normalised and
  /// pre-tokenised). Throws sf::ValueError for invalid UTF-8 (naming the line) or a vocabulary too
  /// small to hold the special tokens, the bytes and the characters. If `merge_counts` is given, it
  /// receives how often each merge's pair occurred when it was chosen.
  static Bpe learn(const std::vector<std::string>& lines, const BpeConfig& config = {},
                   std::vector<std::int64_t>* merge_counts = nullptr);
  /// The same from a table of pre-tokens and their counts (what learn() builds from the lines).
  static Bpe learn_from_counts(const std::vector<std::pair<std::string, std::int64_t>>& pretoken_counts,
                               const BpeConfig& config = {},
                               std::vector<std::int64_t>* merge_counts = nullptr);

  /// The ids of `text` (no <bos>/<eos> added). Throws sf::ValueError for invalid UTF-8.
  std::vector<std::int32_t> encode(std::string_view text) const;
  /// The pieces of `text`, as strings (byte tokens as <0xNN>).
  std::vector<std::string> encode_pieces(std::string_view text) const;
  /// The ids of one pre-token (with its ▁ if it has one): the merges applied by rank.
  std::vector<std::int32_t> encode_pretoken(std::string_view pretoken) const;
  /// Text from ids: <pad>, <bos> and <eos> are skipped, <unk> becomes U+FFFD, ▁ becomes a space, and
  /// byte tokens that do not form valid UTF-8 become U+FFFD. decode(encode(x)) == normalise(x).
  /// Throws sf::ValueError for an id outside the vocabulary.
  std::string decode(const std::vector<std::int32_t>& ids) const;

  std::int64_t vocab_size() const { return static_cast<std::int64_t>(pieces_.size()); }
  /// The piece of an id: "<pad>", "<0x41>", "e", "▁chat", ...
  const std::string& piece(std::int32_t id) const;
  /// The id of a piece, if it is in the vocabulary (the first one if two merges made the same string).
  std::optional<std::int32_t> find(std::string_view piece) const;
  const std::vector<char32_t>& characters() const { return characters_; }
  const std::vector<Merge>& merges() const { return merges_; }

  /// Writes the tokeniser as text: a versioned header, a checksum, one line per character and merge
  /// (bpe_file.cpp). Throws sf::IOError if the file cannot be written.
  void save(const std::filesystem::path& path) const;
  /// Reads a file written by save(), verifying its version, structure and checksum. Throws sf::IOError
  /// naming the file and line for anything wrong (missing, truncated, edited, corrupt).
  static Bpe load(const std::filesystem::path& path);
  /// The text save() writes, and its inverse (`name` is used in error messages).
  std::string to_text() const;
  static Bpe from_text(std::string_view text, const std::string& name);

 private:
  struct Tables;  // lookups built from the characters and merges (bpe.cpp)
  struct Cache;
  std::vector<char32_t> characters_;
  std::vector<Merge> merges_;
  std::vector<std::string> pieces_;  // by id
  std::shared_ptr<const Tables> tables_;
  std::shared_ptr<Cache> cache_;  // pre-token → ids, filled by encode (shared by copies; thread-safe)
};

namespace detail {
/// A pair of adjacent piece ids as one 64-bit key, left id in the high half: the key of the merge
/// table (bpe.cpp) and of the learner's pair counts (bpe_learn.cpp).
inline std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
         static_cast<std::uint32_t>(right);
}
inline std::int32_t key_left(std::uint64_t key) { return static_cast<std::int32_t>(key >> 32); }
inline std::int32_t key_right(std::uint64_t key) { return static_cast<std::int32_t>(key & 0xFFFFFFFFu); }
}  // namespace detail

}  // namespace sf::text
