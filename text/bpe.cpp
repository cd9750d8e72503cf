// bpe.cpp: the vocabulary of a learned tokeniser, encoding by merge rank, decoding (see bpe.hpp).
#include "text/bpe.hpp"

#include <cstdio>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "core/error.hpp"
#include "text/pretokenize.hpp"
#include "text/utf8.hpp"

namespace sf::text {
namespace {

using detail::pair_key;

std::string byte_piece(int byte) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "<0x%02X>", byte);
  return buf;
}

// Pre-tokens kept in the encoding cache at most (a bound on its memory for unbounded input).
constexpr std::size_t max_cached_pretokens = std::size_t{1} << 20;

}  // namespace

struct Bpe::Tables {
  std::unordered_map<char32_t, std::int32_t> character_id;
  std::unordered_map<std::uint64_t, std::pair<std::int32_t, std::int32_t>> merge;  // pair → (rank, result)
  std::unordered_map<std::string, std::int32_t> piece_id;
};

struct Bpe::Cache {
  std::mutex mutex;
  std::unordered_map<std::string, std::vector<std::int32_t>> ids;
};

Bpe::Bpe(std::vector<char32_t> characters, std::vector<Merge> merges)
    : characters_(std::move(characters)), merges_(std::move(merges)), cache_(std::make_shared<Cache>()) {
  auto tables = std::make_shared<Tables>();
  pieces_ = {"<pad>", "<bos>", "<eos>", "<unk>"};
  for (int b = 0; b < 256; ++b) pieces_.push_back(byte_piece(b));
  for (const char32_t c : characters_) {
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
      fail<ValueError>("bpe: character U+", std::hex, static_cast<std::uint32_t>(c),
                       " is not a Unicode scalar value");
    const auto id = static_cast<std::int32_t>(pieces_.size());
    if (!tables->character_id.emplace(c, id).second)
      fail<ValueError>("bpe: character U+", std::hex, static_cast<std::uint32_t>(c), " is listed twice");
    pieces_.push_back(encode_utf8(std::u32string(1, c)));
  }
  for (std::size_t rank = 0; rank < merges_.size(); ++rank) {
    Merge& m = merges_[rank];
    const auto id = static_cast<std::int32_t>(pieces_.size());
    if (m.left < first_character_id || m.right < first_character_id || m.left >= id || m.right >= id)
      fail<ValueError>("bpe: merge ", rank, " joins ids ", m.left, " and ", m.right, ", but only ids ",
                       first_character_id, "..", id - 1, " (characters and earlier merges) can merge");
    if (!tables->merge.emplace(pair_key(m.left, m.right), std::pair{static_cast<std::int32_t>(rank), id})
             .second)
      fail<ValueError>("bpe: merge ", rank, " repeats the pair ", m.left, " ", m.right);
    m.result = id;
    pieces_.push_back(pieces_[static_cast<std::size_t>(m.left)] + pieces_[static_cast<std::size_t>(m.right)]);
  }
  if (pieces_.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    fail<ValueError>("bpe: ", pieces_.size(), " pieces do not fit 32-bit ids");
  for (std::size_t id = 0; id < pieces_.size(); ++id)
    tables->piece_id.emplace(pieces_[id], static_cast<std::int32_t>(id));
  tables_ = std::move(tables);
}

const std::string& Bpe::piece(std::int32_t id) const {
  if (id < 0 || id >= vocab_size())
    fail<ValueError>("bpe: id ", id, " is outside the vocabulary of ", vocab_size());
  return pieces_[static_cast<std::size_t>(id)];
}

std::optional<std::int32_t> Bpe::find(std::string_view p) const {
  const auto it = tables_->piece_id.find(std::string(p));
  if (it == tables_->piece_id.end()) return std::nullopt;
  return it->second;
}

// [doc:encode-pretoken]
std::vector<std::int32_t> Bpe::encode_pretoken(std::string_view pretoken) const {
  // Start from characters; a character outside the vocabulary becomes its UTF-8 bytes (byte fallback).
  std::vector<std::int32_t> symbols;
  for (std::size_t i = 0; i < pretoken.size();) {
    char32_t c = 0;
    const std::size_t length = utf8_sequence(pretoken, i, c);
    if (length == 0) check_utf8(pretoken, "bpe encode");  // throws, naming the byte
    const auto it = tables_->character_id.find(c);
    if (it != tables_->character_id.end()) {
      symbols.push_back(it->second);
    } else {
      for (std::size_t k = 0; k < length; ++k)
        symbols.push_back(first_byte_id + static_cast<std::uint8_t>(pretoken[i + k]));
    }
    i += length;
  }
  // Apply the earliest-learned merge present, everywhere in the word, until none applies.
  while (symbols.size() > 1) {
    std::int32_t best_rank = std::numeric_limits<std::int32_t>::max(), best_result = -1;
    std::uint64_t best_pair = 0;
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
      const auto it = tables_->merge.find(pair_key(symbols[i], symbols[i + 1]));
      if (it != tables_->merge.end() && it->second.first < best_rank) {
        best_rank = it->second.first;
        best_result = it->second.second;
        best_pair = it->first;
      }
    }
    if (best_result < 0) break;
    std::size_t out = 0;
    for (std::size_t i = 0; i < symbols.size(); ++i) {
      if (i + 1 < symbols.size() && pair_key(symbols[i], symbols[i + 1]) == best_pair) {
        symbols[out++] = best_result;
        ++i;
      } else {
        symbols[out++] = symbols[i];
      }
    }
    symbols.resize(out);
  }
  return symbols;
}
// [doc:end]

std::vector<std::int32_t> Bpe::encode(std::string_view text) const {
  std::vector<std::int32_t> ids;
  for (const std::string& pretoken : pretokenize(text)) {
    {
      std::lock_guard lock(cache_->mutex);
      const auto it = cache_->ids.find(pretoken);
      if (it != cache_->ids.end()) {
        ids.insert(ids.end(), it->second.begin(), it->second.end());
        continue;
      }
    }
    std::vector<std::int32_t> word = encode_pretoken(pretoken);
    ids.insert(ids.end(), word.begin(), word.end());
    std::lock_guard lock(cache_->mutex);
    if (cache_->ids.size() < max_cached_pretokens) cache_->ids.emplace(pretoken, std::move(word));
  }
  return ids;
}

std::vector<std::string> Bpe::encode_pieces(std::string_view text) const {
  std::vector<std::string> out;
  for (const std::int32_t id : encode(text)) out.push_back(piece(id));
  return out;
}

std::string Bpe::decode(const std::vector<std::int32_t>& ids) const {
  std::string bytes;
  for (const std::int32_t id : ids) {
    const std::string& p = piece(id);  // checks the range
    if (id == pad_id || id == bos_id || id == eos_id) continue;
    if (id == unk_id) {
      append_utf8(bytes, replacement_character);
    } else if (id < first_character_id) {
      bytes.push_back(static_cast<char>(id - first_byte_id));
    } else {
      bytes += p;
    }
  }
  return join_pieces({repair_utf8(bytes)});
}

}  // namespace sf::text
