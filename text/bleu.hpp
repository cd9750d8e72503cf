// bleu.hpp: corpus BLEU (Papineni, Roukos, Ward and Zhu 2002) exactly as sacreBLEU computes it.
//
// The defaults are sacreBLEU's defaults (sacrebleu -m bleu, version 2.x):
//   - both sides are detokenised text, tokenised here with 13a (tokenize_13a.hpp), cased;
//   - per sentence, each n-gram's count is clipped by its largest count in any one reference, and the
//     reference length is the one closest to the hypothesis length (the shorter one on a tie);
//   - the counts are summed over the corpus before dividing:  p_n = Σ matches_n / Σ totals_n;
//   - BP = 1 if c ≥ r, else exp(1 − r/c) (0 if c = 0), with c and r the summed lengths;
//   - BLEU = 100 · BP · exp( (1/4) Σ_{n=1..4} log p_n );
//   - smoothing 'exp' (NIST's, Chen and Cherry 2014 method 3): the k-th order with no match counts as
//     1 / (2^k · total_n) instead of 0;
//   - empty references are skipped, so sentences may have different numbers of references.
// lowercase = true gives the lowercased variant (sacrebleu -lc): both sides in lower case first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sf::text {

enum class BleuTokenizer { thirteen_a, none };
enum class BleuSmoothing { exp, floor, add_k, none };

struct BleuConfig {
  bool lowercase = false;
  BleuTokenizer tokenizer = BleuTokenizer::thirteen_a;
  BleuSmoothing smoothing = BleuSmoothing::exp;
  double smooth_value = -1;      // floor: default 0.1; add_k: default 1 (sacreBLEU's defaults)
  int max_order = 4;             // 1..9
  bool effective_order = false;  // stop the mean at the highest order with any n-gram (sentence BLEU)
};

/// The sufficient statistics: summed over sentences, they determine the score.
struct BleuStatistics {
  std::vector<double> matches;     // per order 1..max_order: clipped matching n-grams
  std::vector<double> totals;      // per order: n-grams in the hypotheses
  std::int64_t sys_len = 0;        // hypothesis tokens
  std::int64_t ref_len = 0;        // closest reference tokens
  int min_refs = 0, max_refs = 0;  // fewest and most non-empty references of a sentence
};

struct BleuScore {
  double score = 0;                // 0..100
  std::vector<double> precisions;  // p_1 .. p_max_order, in percent, after smoothing
  std::vector<double> matches, totals;
  double bp = 0;     // brevity penalty
  double ratio = 0;  // sys_len / ref_len
  std::int64_t sys_len = 0, ref_len = 0;
  int refs = 0;  // references per sentence, -1 if it varies
  BleuConfig config;

  /// sacreBLEU's signature: "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp".
  std::string signature() const;
  /// sacreBLEU's score line, e.g.
  /// "BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio =
  /// 0.944 hyp_len = 17 ref_len = 18)" (one line).
  std::string format() const;
};

/// The statistics of `hypotheses` against `references`, where references[i] holds every reference of
/// hypothesis i. Throws sf::ValueError if the lists differ in length, a sentence has no non-empty
/// reference, a line is not valid UTF-8, or the config is out of range.
BleuStatistics bleu_statistics(const std::vector<std::string>& hypotheses,
                               const std::vector<std::vector<std::string>>& references,
                               const BleuConfig& config = {});

/// The score from summed statistics (sacreBLEU's BLEU.compute_bleu).
BleuScore bleu_from_statistics(const BleuStatistics& stats, const BleuConfig& config = {});

/// Corpus BLEU: bleu_from_statistics(bleu_statistics(...)).
/// Example: corpus_bleu({"The cat sat."}, {{"The cat sat."}}).score == 100.
BleuScore corpus_bleu(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references, const BleuConfig& config = {});

}  // namespace sf::text
