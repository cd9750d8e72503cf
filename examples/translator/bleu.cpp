// bleu.cpp: clipped n-gram counts summed over the corpus, then the formula of bleu.hpp.
#include "examples/translator/bleu.hpp"

#include <cmath>
#include <map>

#include "core/error.hpp"

namespace sf::translator {
namespace {

using Tokens = std::vector<std::string>;

std::map<Tokens, std::int64_t> ngram_counts(const Tokens& tokens, std::size_t n) {
  std::map<Tokens, std::int64_t> counts;
  for (std::size_t i = 0; i + n <= tokens.size(); ++i) ++counts[Tokens(tokens.begin() + i, tokens.begin() + i + n)];
  return counts;
}

}  // namespace

BleuScore corpus_bleu(const std::vector<Tokens>& candidates, const std::vector<Tokens>& references,
                      const BleuConfig& config) {
  if (candidates.size() != references.size())
    fail<ValueError>("corpus_bleu: ", candidates.size(), " candidates but ", references.size(),
                     " references (one reference per candidate)");
  if (config.max_n < 1 || config.max_n > 4) fail<ValueError>("corpus_bleu: max_n must be in 1..4, got ", config.max_n);
  const auto N = static_cast<std::size_t>(config.max_n);
  BleuScore score;
  for (std::size_t s = 0; s < candidates.size(); ++s) {
    score.candidate_length += static_cast<std::int64_t>(candidates[s].size());
    score.reference_length += static_cast<std::int64_t>(references[s].size());
    for (std::size_t n = 1; n <= N; ++n) {
      const auto reference = ngram_counts(references[s], n);
      for (const auto& [ngram, count] : ngram_counts(candidates[s], n)) {
        const auto found = reference.find(ngram);
        // Clipping: an n-gram counts at most as often as it occurs in the reference.
        score.matches[n - 1] += found == reference.end() ? 0 : std::min(count, found->second);
        score.totals[n - 1] += count;
      }
    }
  }
  const double c = static_cast<double>(score.candidate_length), r = static_cast<double>(score.reference_length);
  if (c == 0) return score;  // nothing translated: BLEU 0
  score.brevity_penalty = c > r ? 1.0 : std::exp(1.0 - r / c);
  double log_sum = 0.0;
  bool zero = false;
  for (std::size_t n = 1; n <= N; ++n) {
    double matches = static_cast<double>(score.matches[n - 1]), total = static_cast<double>(score.totals[n - 1]);
    if (config.smoothing == BleuSmoothing::add_one && n >= 2) ++matches, ++total;
    score.precision[n - 1] = total == 0 ? 0.0 : matches / total;
    if (score.precision[n - 1] == 0.0) zero = true;
    else log_sum += std::log(score.precision[n - 1]);
  }
  score.bleu = zero ? 0.0 : score.brevity_penalty * std::exp(log_sum / static_cast<double>(N));
  return score;
}

}  // namespace sf::translator
