// bpe_learn.cpp: learning the merges (Sennrich, Haddow and Birch 2016, algorithm 1) with incremental
// pair counts and a lazy heap, so that each merge touches only the pre-tokens that contain its pair.
#include <algorithm>
#include <map>
#include <queue>
#include <unordered_map>

#include "core/error.hpp"
#include "text/bpe.hpp"
#include "text/pretokenize.hpp"
#include "text/utf8.hpp"

namespace sf::text {
namespace {

using detail::key_left;
using detail::key_right;
using detail::pair_key;

// One distinct pre-token: its symbols so far and how often it occurs in the text.
struct Word {
  std::vector<std::int32_t> symbols;
  std::int64_t count = 0;
};

struct Candidate {
  std::int64_t count = 0;
  std::uint64_t pair = 0;
};

}  // namespace

Bpe Bpe::learn(const std::vector<std::string>& lines, const BpeConfig& config,
               std::vector<std::int64_t>* merge_counts) {
  std::unordered_map<std::string, std::int64_t> counts;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (const auto problem = find_utf8_problem(lines[i]))
      fail<ValueError>("bpe learn: line ", i + 1, ": invalid UTF-8 at byte ", problem->offset, ": ",
                       problem->reason);
    for (std::string& p : pretokenize(lines[i])) ++counts[std::move(p)];
  }
  std::vector<std::pair<std::string, std::int64_t>> table(counts.begin(), counts.end());
  std::sort(table.begin(), table.end());  // a fixed order, whatever the hash map's
  return learn_from_counts(table, config, merge_counts);
}

Bpe Bpe::learn_from_counts(const std::vector<std::pair<std::string, std::int64_t>>& pretoken_counts,
                           const BpeConfig& config, std::vector<std::int64_t>* merge_counts) {
  // The characters, most frequent first (ties: lower code point), then the ids they get.
  std::map<char32_t, std::int64_t> char_counts;
  std::vector<std::u32string> decoded;
  for (const auto& [pretoken, count] : pretoken_counts) {
    if (count < 1)
      fail<ValueError>("bpe learn: pre-token '", pretoken, "' has count ", count, " (must be >= 1)");
    decoded.push_back(decode_utf8(pretoken, "bpe learn"));
    for (const char32_t c : decoded.back()) char_counts[c] += count;
  }
  std::vector<std::pair<std::int64_t, char32_t>> by_count;
  for (const auto& [c, n] : char_counts)
    if (n >= config.min_character_count) by_count.emplace_back(-n, c);
  std::sort(by_count.begin(), by_count.end());
  std::vector<char32_t> characters;
  std::unordered_map<char32_t, std::int32_t> character_id;
  for (const auto& [negative_count, c] : by_count) {
    character_id.emplace(c, first_character_id + static_cast<std::int32_t>(characters.size()));
    characters.push_back(c);
  }
  const std::int64_t base = first_character_id + static_cast<std::int64_t>(characters.size());
  if (config.vocab_size < base)
    fail<ValueError>("bpe learn: vocab_size ", config.vocab_size,
                     " cannot hold the 4 special tokens, 256 bytes and the ", characters.size(),
                     " characters of the text (", base, " ids)");

  // Every pre-token as symbols (byte tokens for rare characters: they never merge).
  std::vector<Word> words(pretoken_counts.size());
  for (std::size_t w = 0; w < words.size(); ++w) {
    words[w].count = pretoken_counts[w].second;
    for (const char32_t c : decoded[w]) {
      const auto it = character_id.find(c);
      if (it != character_id.end()) {
        words[w].symbols.push_back(it->second);
      } else {
        for (const char byte : encode_utf8(std::u32string(1, c)))
          words[w].symbols.push_back(first_byte_id + static_cast<std::uint8_t>(byte));
      }
    }
  }

  // [doc:learn-counts]
  // Pair counts over the table, and for each pair the pre-tokens it occurs in.
  std::vector<std::string> pieces(static_cast<std::size_t>(first_character_id));
  for (const char32_t c : characters) pieces.push_back(encode_utf8(std::u32string(1, c)));
  std::unordered_map<std::uint64_t, std::int64_t> pair_count;
  std::unordered_map<std::uint64_t, std::vector<std::int32_t>> where;
  const auto add_pairs = [&](std::int32_t w, std::int64_t sign, std::vector<std::uint64_t>& touched) {
    const auto& s = words[static_cast<std::size_t>(w)].symbols;
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
      if (s[i] < first_character_id || s[i + 1] < first_character_id) continue;  // byte tokens never merge
      const std::uint64_t key = pair_key(s[i], s[i + 1]);
      pair_count[key] += sign * words[static_cast<std::size_t>(w)].count;
      touched.push_back(key);
      if (sign > 0) {
        auto& list = where[key];
        if (list.empty() || list.back() != w) list.push_back(w);
      }
    }
  };
  // The heap's order is the tie-break: more frequent first, then the smaller left piece, then the
  // smaller right piece (byte-wise), then the smaller ids.
  const auto worse = [&](const Candidate& a, const Candidate& b) {
    if (a.count != b.count) return a.count < b.count;
    const auto la = key_left(a.pair), ra = key_right(a.pair), lb = key_left(b.pair), rb = key_right(b.pair);
    if (pieces[la] != pieces[lb]) return pieces[la] > pieces[lb];
    if (pieces[ra] != pieces[rb]) return pieces[ra] > pieces[rb];
    return a.pair > b.pair;
  };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(worse)> heap(worse);
  std::vector<std::uint64_t> touched;
  for (std::size_t w = 0; w < words.size(); ++w) add_pairs(static_cast<std::int32_t>(w), +1, touched);
  for (const auto& [key, count] : pair_count) heap.push({count, key});
  // [doc:end]

  // [doc:learn-loop]
  std::vector<Merge> merges;
  if (merge_counts) merge_counts->clear();
  std::vector<std::int64_t> visited(words.size(), -1);
  while (base + static_cast<std::int64_t>(merges.size()) < config.vocab_size && !heap.empty()) {
    const Candidate top = heap.top();
    heap.pop();
    const auto it = pair_count.find(top.pair);
    if (it == pair_count.end() || it->second != top.count) continue;  // stale: the count has changed since
    if (top.count < config.min_pair_count) break;
    const std::int32_t left = key_left(top.pair), right = key_right(top.pair);
    const auto merged = static_cast<std::int32_t>(pieces.size());
    pieces.push_back(pieces[left] + pieces[right]);
    merges.push_back({left, right, merged});
    if (merge_counts) merge_counts->push_back(top.count);
    // Recount only the pre-tokens that contain the pair: remove their pairs, merge, add them back.
    touched.clear();
    const std::vector<std::int32_t> containing = std::move(where[top.pair]);
    where.erase(top.pair);
    for (const std::int32_t w : containing) {
      if (visited[static_cast<std::size_t>(w)] == merged) continue;
      visited[static_cast<std::size_t>(w)] = merged;
      add_pairs(w, -1, touched);
      auto& s = words[static_cast<std::size_t>(w)].symbols;
      std::size_t out = 0;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (i + 1 < s.size() && s[i] == left && s[i + 1] == right) {
          s[out++] = merged;
          ++i;
        } else {
          s[out++] = s[i];
        }
      }
      s.resize(out);
      add_pairs(w, +1, touched);
    }
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (const std::uint64_t key : touched) {
      const auto c = pair_count.find(key);
      if (c->second > 0) {
        heap.push({c->second, key});
      } else {
        pair_count.erase(c);
      }
    }
  }
  // [doc:end]
  return Bpe(std::move(characters), std::move(merges));
}

}  // namespace sf::text
