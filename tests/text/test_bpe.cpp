// Tests for text/bpe: the paper's toy corpus, byte fallback, the round trip on random text, the ids.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/error.hpp"
#include "core/random.hpp"
#include "text/bpe.hpp"
#include "text/pretokenize.hpp"
#include "text/utf8.hpp"

using namespace sf::text;

namespace {

// Sennrich et al. 2016, section 3.2: low ×5, lower ×2, newest ×6, widest ×3.
std::vector<std::string> toy_corpus() {
  std::vector<std::string> lines;
  for (int i = 0; i < 5; ++i) lines.push_back("low");
  for (int i = 0; i < 2; ++i) lines.push_back("lower");
  for (int i = 0; i < 6; ++i) lines.push_back("newest");
  for (int i = 0; i < 3; ++i) lines.push_back("widest");
  return lines;
}

std::vector<std::string> merge_strings(const Bpe& bpe) {
  std::vector<std::string> out;
  for (const auto& m : bpe.merges()) out.push_back(bpe.piece(m.left) + " + " + bpe.piece(m.right));
  return out;
}

// A random string of valid UTF-8 from a mix of ASCII, Latin, combining marks, CJK, emoji and spaces.
std::string random_text(sf::Generator& g) {
  static const char32_t pool[] = {
      U'a',      U'b',      U'e',  U'z',          U'A',          U'Q',      U'0',      U'7',
      U'.',      U',',      U'!',  U'?',          U'\'',         U'-',      U'«',      U'»',
      U'é',      U'è',      U'ç',  U'Œ',          U'ß',          U'\u0301', U'\u0308', U'漢',
      U'字',     U'の',     U'한', U'\U0001F600', U'\U0001F44D', U'\u200D', U'\u00A0', U'\u202F',
      U'\u2581', U'\u2019', U' ',  U' ',          U'\t',         U'\n',     U'\u0000', U'\U0010FFFF'};
  std::u32string s;
  const auto length = g.randint(0, 40);
  for (std::int64_t i = 0; i < length; ++i) {
    if (g.uniform() < 0.1) {
      s.push_back(static_cast<char32_t>(g.randint(0x20, 0xD800)));  // any code point of the BMP's first part
    } else {
      s.push_back(pool[g.randint(0, std::size(pool))]);
    }
  }
  return encode_utf8(s);
}

// The merges of the same rule, learned the slow way: every pair recounted from scratch at each step.
std::vector<std::pair<std::string, std::string>> naive_merges(const std::vector<std::string>& lines,
                                                              std::int64_t n_merges) {
  std::map<std::string, std::int64_t> counts;
  for (const auto& line : lines)
    for (const auto& p : pretokenize(line)) ++counts[p];
  std::map<char32_t, std::int64_t> char_counts;
  for (const auto& [word, n] : counts)
    for (const char32_t c : decode_utf8(word)) char_counts[c] += n;
  std::vector<std::string> pieces;
  std::map<char32_t, int> id;
  std::vector<std::pair<std::int64_t, char32_t>> order;
  for (const auto& [c, n] : char_counts) order.emplace_back(-n, c);
  std::sort(order.begin(), order.end());
  for (const auto& [negative, c] : order) {
    id[c] = static_cast<int>(pieces.size());
    pieces.push_back(encode_utf8(std::u32string(1, c)));
  }
  std::vector<std::pair<std::vector<int>, std::int64_t>> words;
  for (const auto& [word, n] : counts) {
    std::vector<int> symbols;
    for (const char32_t c : decode_utf8(word)) symbols.push_back(id[c]);
    words.emplace_back(symbols, n);
  }
  std::vector<std::pair<std::string, std::string>> merges;
  for (std::int64_t step = 0; step < n_merges; ++step) {
    std::map<std::pair<int, int>, std::int64_t> pairs;
    for (const auto& [symbols, n] : words)
      for (std::size_t i = 0; i + 1 < symbols.size(); ++i) pairs[{symbols[i], symbols[i + 1]}] += n;
    std::pair<int, int> best{-1, -1};
    std::int64_t best_count = 0;
    for (const auto& [pair, n] : pairs) {  // in id order, so the first of equal strings has the smaller ids
      const bool better =
          n > best_count || (n == best_count && std::tie(pieces[pair.first], pieces[pair.second]) <
                                                    std::tie(pieces[best.first], pieces[best.second]));
      if (better) {
        best = pair;
        best_count = n;
      }
    }
    if (best_count < 2) break;
    const int merged = static_cast<int>(pieces.size());
    pieces.push_back(pieces[best.first] + pieces[best.second]);
    merges.emplace_back(pieces[best.first], pieces[best.second]);
    for (auto& [symbols, n] : words) {
      std::vector<int> out;
      for (std::size_t i = 0; i < symbols.size(); ++i) {
        if (i + 1 < symbols.size() && symbols[i] == best.first && symbols[i + 1] == best.second) {
          out.push_back(merged);
          ++i;
        } else {
          out.push_back(symbols[i]);
        }
      }
      symbols = out;
    }
  }
  return merges;
}

}  // namespace

TEST_SUITE("ch14-tokenisation") {
  TEST_CASE("bpe: the paper's toy corpus gives the merges the tie-break predicts") {
    const Bpe bpe = Bpe::learn(toy_corpus(), {.vocab_size = 260 + 11 + 10});
    // Characters by frequency (ties by code point): e 17, w 16, ▁ 16, s 9, t 9, l 7, o 7, n 6, d 3, i 3, r 2.
    CHECK(bpe.characters() ==
          std::vector<char32_t>{U'e', U'w', U'▁', U's', U't', U'l', U'o', U'n', U'd', U'i', U'r'});
    CHECK(merge_strings(bpe) == std::vector<std::string>{
                                    "e + s",       // 9, ties with s+t (9): "e" < "s"
                                    "es + t",      // 9
                                    "l + o",       // 7, ties with o+w and ▁+l: "l" < "o" < "▁"
                                    "lo + w",      // 7, ties with ▁+lo
                                    "▁ + low",     // 7
                                    "e + w",       // 6, ties with n+e, w+est, ▁+n
                                    "ew + est",    // 6, ties with n+ew, ▁+n
                                    "n + ewest",   // 6, ties with ▁+n
                                    "▁ + newest",  // 6
                                    "d + est",     // 3, ties with ▁+w, w+i, i+d: "d" < "i" < "w" < "▁"
                                });
  }

  TEST_CASE(
      "bpe: the incremental counts and the heap learn what recounting every pair at every step learns") {
    // A small alphabet and repeated letters ("aaaa") make many ties and overlapping pairs.
    sf::Generator g(2016);
    std::vector<std::string> lines;
    const char letters[] = "aabbbcd e";
    for (int i = 0; i < 200; ++i) {
      std::string line;
      const auto length = g.randint(1, 30);
      for (std::int64_t k = 0; k < length; ++k) line += letters[g.randint(0, 9)];
      lines.push_back(line);
    }
    const auto expected = naive_merges(lines, 150);
    const Bpe bpe = Bpe::learn(lines, {.vocab_size = 260 + 6 + 150});  // characters a b c d e ▁
    std::vector<std::pair<std::string, std::string>> learned;
    for (const auto& m : bpe.merges()) learned.emplace_back(bpe.piece(m.left), bpe.piece(m.right));
    CHECK(expected.size() > 50);
    CHECK(bpe.characters().size() == 6);
    // And on random Unicode text, learned until every pair left occurs once.
    std::vector<std::string> unicode_lines;
    for (int i = 0; i < 300; ++i) unicode_lines.push_back(random_text(g));
    const Bpe unicode = Bpe::learn(unicode_lines, {.vocab_size = 100000});
    const auto unicode_expected = naive_merges(unicode_lines, 100000);
    CHECK(unicode_expected.size() > 100);
    REQUIRE(unicode.merges().size() == unicode_expected.size());
    for (std::size_t i = 0; i < unicode_expected.size(); ++i) {
      const auto& m = unicode.merges()[i];
      CAPTURE(i);
      REQUIRE(unicode.piece(m.left) + " + " + unicode.piece(m.right) ==
              unicode_expected[i].first + " + " + unicode_expected[i].second);
    }
    CHECK(learned.size() == expected.size());
    for (std::size_t i = 0; i < std::min(learned.size(), expected.size()); ++i) {
      CAPTURE(i);
      REQUIRE(learned[i].first + " + " + learned[i].second == expected[i].first + " + " + expected[i].second);
    }
  }

  TEST_CASE("bpe: ids are fixed: specials, 256 byte tokens, characters, merges") {
    const Bpe bpe = Bpe::learn(toy_corpus(), {.vocab_size = 276});
    CHECK(bpe.piece(Bpe::pad_id) == "<pad>");
    CHECK(bpe.piece(Bpe::bos_id) == "<bos>");
    CHECK(bpe.piece(Bpe::eos_id) == "<eos>");
    CHECK(bpe.piece(Bpe::unk_id) == "<unk>");
    CHECK(bpe.piece(Bpe::first_byte_id) == "<0x00>");
    CHECK(bpe.piece(Bpe::first_byte_id + 0xE9) == "<0xE9>");
    CHECK(bpe.piece(Bpe::first_character_id) == "e");  // the most frequent character
    CHECK(bpe.vocab_size() == 276);
    CHECK(bpe.find("▁low") == bpe.merges()[4].result);
    CHECK_FALSE(bpe.find("xyz"));
    CHECK_THROWS_WITH_AS((void)bpe.piece(276), "bpe: id 276 is outside the vocabulary of 276",
                         sf::ValueError);
  }

  TEST_CASE("bpe: encoding applies the merges; unseen words and characters fall back, never <unk>") {
    const Bpe bpe = Bpe::learn(toy_corpus(), {.vocab_size = 281});
    CHECK(bpe.encode_pieces("lowest newest") == std::vector<std::string>{"▁low", "est", "▁newest"});
    CHECK(bpe.encode_pieces("Low!") == std::vector<std::string>{"▁", "<0x4C>", "o", "w", "<0x21>"});
    CHECK(bpe.encode_pieces("é") == std::vector<std::string>{"▁", "<0xC3>", "<0xA9>"});
    CHECK(bpe.decode(bpe.encode("Low!  é")) == "Low! é");
    for (const auto id : bpe.encode("😀 漢字 x")) CHECK(id != Bpe::unk_id);
  }

  TEST_CASE("bpe: decode skips <pad> <bos> <eos>, shows <unk> and broken bytes as U+FFFD, rejects bad ids") {
    const Bpe bpe = Bpe::learn(toy_corpus(), {.vocab_size = 276});
    std::vector<std::int32_t> ids = bpe.encode("low");
    ids.insert(ids.begin(), Bpe::bos_id);
    ids.push_back(Bpe::eos_id);
    ids.push_back(Bpe::pad_id);
    CHECK(bpe.decode(ids) == "low");
    CHECK(bpe.decode({Bpe::unk_id}) == "\xEF\xBF\xBD");
    CHECK(bpe.decode({Bpe::first_byte_id + 0xC3}) == "\xEF\xBF\xBD");  // a lone lead byte
    CHECK_THROWS_WITH_AS((void)bpe.decode({-1}), "bpe: id -1 is outside the vocabulary of 276",
                         sf::ValueError);
  }

  TEST_CASE("bpe: decode(encode(x)) == normalise(x) on random valid UTF-8 (seeded)") {
    std::vector<std::string> training;
    sf::Generator g(14);
    for (int i = 0; i < 300; ++i) training.push_back(random_text(g));
    training.push_back("Le chat « noir » dort\u202F! L'homme n'est pas là, aujourd'hui.");
    const Bpe bpe = Bpe::learn(training, {.vocab_size = 700, .min_character_count = 3});
    int checked = 0;
    for (int i = 0; i < 2000; ++i) {
      const std::string x = random_text(g);
      CAPTURE(x);
      const auto ids = bpe.encode(x);
      for (const auto id : ids) REQUIRE(id != Bpe::unk_id);
      REQUIRE(bpe.decode(ids) == normalise(x));
      ++checked;
    }
    CHECK(checked == 2000);
  }

  TEST_CASE("bpe: encoding with the cache gives what the merges give without it") {
    std::vector<std::string> training = {"the cat sat on the mat", "the dog sat on the log",
                                         "a cat and a dog"};
    const Bpe bpe = Bpe::learn(training, {.vocab_size = 300});
    const std::string line = "the cat and the dog sat";
    const auto first = bpe.encode(line), second = bpe.encode(line);  // the second from the cache
    CHECK(first == second);
    std::vector<std::int32_t> by_pretoken;
    for (const auto& p : pretokenize(line)) {
      const auto ids = bpe.encode_pretoken(p);
      by_pretoken.insert(by_pretoken.end(), ids.begin(), ids.end());
    }
    CHECK(first == by_pretoken);
  }

  TEST_CASE("bpe: learning is deterministic and stops at the vocabulary size or when pairs get rare") {
    std::vector<std::string> lines = {"abab abab abab cdcd", "abab cd cd cd", "xyz"};
    const Bpe a = Bpe::learn(lines, {.vocab_size = 1000}), b = Bpe::learn(lines, {.vocab_size = 1000});
    CHECK(a.to_text() == b.to_text());
    CHECK(a.vocab_size() < 1000);  // ran out of pairs seen at least twice
    const Bpe small = Bpe::learn(lines, {.vocab_size = a.vocab_size() - 1});
    CHECK(small.vocab_size() == a.vocab_size() - 1);
  }

  TEST_CASE("bpe: bad input to learning is refused with a clear message") {
    CHECK_THROWS_WITH_AS((void)Bpe::learn({"ok", "bad \xFF"}),
                         "bpe learn: line 2: invalid UTF-8 at byte 4: byte 0xFF never occurs in UTF-8",
                         sf::ValueError);
    CHECK_THROWS_WITH_AS(
        (void)Bpe::learn({"abc"}, {.vocab_size = 100}),
        "bpe learn: vocab_size 100 cannot hold the 4 special tokens, 256 bytes and the 4 characters "
        "of the text (264 ids)",
        sf::ValueError);
    CHECK_THROWS_AS((void)Bpe::learn({"ok"}).encode("bad \xC3"), sf::ValueError);
    CHECK_THROWS_WITH_AS(
        Bpe({U'a'}, {{260, 262, 0}}),
        "bpe: merge 0 joins ids 260 and 262, but only ids 260..260 (characters and earlier merges) "
        "can merge",
        sf::ValueError);
  }
}
