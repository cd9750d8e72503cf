// tsv.hpp: real sentence pairs from a tab-separated file, and a train/validation split.
//
// Each line is "source<TAB>target", any further tab-separated columns ignored (the Tatoeba/Anki
// format: "Go.<TAB>Va !<TAB>CC-BY 2.0 (France) Attribution: ..."), UTF-8, LF or CRLF line ends,
// an optional byte-order mark. Bad lines are skipped and counted by kind, never fatal:
//   blank          nothing but spaces
//   no tab         one column only
//   empty side     source or target empty once surrounding spaces are trimmed
//   invalid UTF-8  any byte sequence RFC 3629 rejects
//   too long       more than max_line_bytes bytes (4096 by default; Tatoeba's longest pair with its
//                  attribution is under 1000). Such a line is skipped without being kept in memory.
// Only a file that cannot be opened is an error (sf::IOError). This file does not tokenize.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "examples/translator/sentence_pair.hpp"

namespace sf::translator {

struct TsvConfig {
  std::int64_t max_line_bytes = 4096;
};

/// How many lines of each kind were read, and the first line number of each bad kind (0: none).
struct TsvStats {
  std::int64_t lines = 0, pairs = 0;
  std::int64_t blank = 0, no_tab = 0, empty_side = 0, invalid_utf8 = 0, too_long = 0;
  std::int64_t first_no_tab = 0, first_empty_side = 0, first_invalid_utf8 = 0, first_too_long = 0;

  std::int64_t skipped() const { return blank + no_tab + empty_side + invalid_utf8 + too_long; }
};

struct TsvData {
  std::vector<SentencePair> pairs;
  TsvStats stats;
};

/// Reads a file. Example: auto data = read_tsv("tatoeba-eng-fra.tsv"); std::cout << describe(data.stats);
TsvData read_tsv(const std::string& path, const TsvConfig& config = {});

/// Reads from any stream (the tests use a string).
TsvData read_tsv(std::istream& in, const TsvConfig& config = {});

/// One paragraph for the user, e.g. "read 5000 lines: 4990 pairs; skipped 10: 4 without a tab
/// (first on line 17), ...".
std::string describe(const TsvStats& stats);

struct TrainValidation {
  std::vector<SentencePair> train, validation;
};

/// Sends each pair to validation with probability `validation_fraction`, decided by a seeded hash
/// of its source sentence, so all translations of one sentence ("Run!" has several) land on the
/// same side and validation never tests a sentence seen in training. The order within each side
/// is the file's. Throws sf::ValueError for a fraction outside [0, 1].
TrainValidation split_by_source(const std::vector<SentencePair>& pairs, double validation_fraction,
                                std::uint64_t seed);

}  // namespace sf::translator
