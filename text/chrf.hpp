// chrf.hpp: corpus chrF (Popović 2015) exactly as sacreBLEU computes it (sacrebleu -m chrf, version 2.x).
//
// Defaults: character n-grams of orders 1..6 (char_order), no word n-grams (chrF, not chrF++), β = 2
// (recall weighs twice as much as precision), whitespace removed before counting (Python's str.split,
// so Unicode spaces too), cased. Per order n: P_n = matches / hypothesis n-grams and R_n = matches /
// reference n-grams, with the counts summed over the corpus; then
//     P = mean P_n,  R = mean R_n  over the orders where both sides have n-grams (the "effective order"),
//     chrF = 100 · (1 + β²) P R / (β² P + R).
// With eps_smoothing (sacreBLEU's option, as chrF++.py, Moses and NLTK) the F-score is computed per
// order, with 1e-16 for an undefined P_n or R_n, and averaged over all orders instead.
// Several references: each sentence uses the one whose statistics give it the best F-score.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sf::text {

struct ChrfConfig {
  int char_order = 6;          // 1..9
  int beta = 2;                // ≥ 1
  bool whitespace = false;     // keep whitespace inside the character n-grams
  bool eps_smoothing = false;  // sacreBLEU's default is the effective-order average
  bool lowercase = false;
};

struct ChrfScore {
  double score = 0;  // 0..100
  /// Per order: hypothesis n-grams, reference n-grams and matches, summed over the corpus.
  std::vector<std::int64_t> hyp_ngrams, ref_ngrams, matches;
  int refs = 0;  // references per sentence, -1 if it varies
  ChrfConfig config;

  /// sacreBLEU's signature: "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no".
  std::string signature() const;
  /// sacreBLEU's score line: "chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no = 57.16".
  std::string format() const;
};

/// Corpus chrF of `hypotheses` against `references` (references[i]: every reference of hypothesis i;
/// empty ones are skipped). Throws sf::ValueError if the lists differ in length, a sentence has no
/// non-empty reference, a line is not valid UTF-8, or the config is out of range.
ChrfScore corpus_chrf(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references, const ChrfConfig& config = {});

}  // namespace sf::text
