// bleu.hpp: corpus BLEU (Papineni, Roukos, Ward and Zhu 2002), one reference per sentence.
//
//   p_n  = Σ_sentences Σ_ngrams min(count in candidate, count in reference) / Σ candidate n-grams
//   BP   = 1 if c > r, else exp(1 − r/c)      (c, r: total candidate and reference lengths)
//   BLEU = BP · exp( (1/N) Σ_{n=1..N} log p_n ),  N = 4
// The counts are summed over the whole corpus before dividing (paper §2.1.1, §2.2), which is not
// the mean of sentence scores. Without smoothing a single zero p_n makes BLEU 0. The optional
// smoothing is "add one" for n ≥ 2 (Lin and Och 2004): p_n = (matches + 1) / (total + 1), so short
// corpora get a non-zero score. Tokens are compared as given: tokenize both sides the same way.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace sf::translator {

enum class BleuSmoothing { none, add_one };

struct BleuConfig {
  int max_n = 4;  // 1..4
  BleuSmoothing smoothing = BleuSmoothing::none;
};

struct BleuScore {
  double bleu = 0.0;                       // in [0, 1]
  std::array<double, 4> precision{};       // p_1 .. p_4 (as used, after any smoothing)
  std::array<std::int64_t, 4> matches{};   // clipped matching n-grams
  std::array<std::int64_t, 4> totals{};    // candidate n-grams
  double brevity_penalty = 0.0;
  std::int64_t candidate_length = 0, reference_length = 0;
};

/// Corpus BLEU of tokenized candidates against one tokenized reference each. Throws
/// sf::ValueError if the two lists differ in length or max_n is outside 1..4.
/// Example: corpus_bleu({{"le", "chat", "dort"}}, {{"le", "chat", "dort"}}, {.max_n = 3}).bleu == 1.0
BleuScore corpus_bleu(const std::vector<std::vector<std::string>>& candidates,
                      const std::vector<std::vector<std::string>>& references, const BleuConfig& config = {});

}  // namespace sf::translator
