// chrf.cpp: the statistics and the F-score of chrf.hpp, following sacreBLEU's metrics/chrf.py.
#include "text/chrf.hpp"

#include <cstdio>
#include <unordered_map>

#include "core/error.hpp"
#include "text/unicode.hpp"
#include "text/utf8.hpp"

namespace sf::text {
namespace {

using CharNgrams = std::vector<std::unordered_map<std::u32string, std::int64_t>>;  // per order

CharNgrams char_ngrams(const std::string& line, const ChrfConfig& config) {
  std::u32string chars;
  for (const char32_t c : decode_utf8(config.lowercase ? lowercase(line) : line, "corpus_chrf"))
    if (config.whitespace || !is_python_space(c)) chars.push_back(c);
  CharNgrams grams(static_cast<std::size_t>(config.char_order));
  for (std::size_t n = 1; n <= grams.size(); ++n)
    for (std::size_t i = 0; i + n <= chars.size(); ++i) ++grams[n - 1][chars.substr(i, n)];
  return grams;
}

// Per order: [hypothesis n-grams (0 if the reference has none of that order), reference n-grams, matches].
std::vector<std::int64_t> match_statistics(const CharNgrams& hyp, const CharNgrams& ref) {
  std::vector<std::int64_t> stats;
  for (std::size_t n = 0; n < hyp.size(); ++n) {
    std::int64_t hyp_count = 0, ref_count = 0, matches = 0;
    for (const auto& [gram, count] : hyp[n]) {
      hyp_count += count;
      const auto it = ref[n].find(gram);
      if (it != ref[n].end()) matches += std::min(count, it->second);
    }
    for (const auto& [gram, count] : ref[n]) ref_count += count;
    stats.insert(stats.end(), {ref[n].empty() ? 0 : hyp_count, ref_count, matches});
  }
  return stats;
}

// [doc:chrf-score]
double f_score(const std::vector<std::int64_t>& stats, const ChrfConfig& config) {
  const double eps = 1e-16, factor = static_cast<double>(config.beta) * config.beta;
  const std::size_t orders = stats.size() / 3;
  double eps_score = 0, mean_precision = 0, mean_recall = 0;
  int effective_order = 0;
  for (std::size_t n = 0; n < orders; ++n) {
    const auto hyp = static_cast<double>(stats[3 * n]), ref = static_cast<double>(stats[3 * n + 1]),
               match = static_cast<double>(stats[3 * n + 2]);
    const double precision = hyp > 0 ? match / hyp : eps, recall = ref > 0 ? match / ref : eps;
    const double denominator = factor * precision + recall;
    eps_score += denominator > 0 ? (1 + factor) * precision * recall / denominator : eps;
    if (hyp > 0 && ref > 0) {
      mean_precision += precision;
      mean_recall += recall;
      ++effective_order;
    }
  }
  if (config.eps_smoothing) return 100 * eps_score / static_cast<double>(orders);
  if (effective_order == 0) return 0.0;
  mean_precision /= effective_order;
  mean_recall /= effective_order;
  if (mean_precision + mean_recall == 0) return 0.0;
  return 100 * (1 + factor) * mean_precision * mean_recall / (factor * mean_precision + mean_recall);
}
// [doc:end]

}  // namespace

ChrfScore corpus_chrf(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references, const ChrfConfig& config) {
  if (config.char_order < 1 || config.char_order > 9)
    fail<ValueError>("corpus_chrf: char_order ", config.char_order, " is outside 1..9");
  if (config.beta < 1) fail<ValueError>("corpus_chrf: beta ", config.beta, " must be at least 1");
  if (hypotheses.size() != references.size())
    fail<ValueError>("corpus_chrf: ", hypotheses.size(), " hypotheses but references for ", references.size(),
                     " sentences");
  const auto orders = static_cast<std::size_t>(config.char_order);
  std::vector<std::int64_t> total(3 * orders, 0);
  int min_refs = 0, max_refs = 0;
  for (std::size_t s = 0; s < hypotheses.size(); ++s) {
    const CharNgrams hyp = char_ngrams(hypotheses[s], config);
    std::vector<std::int64_t> best;
    double best_f = -1;
    int n_refs = 0;
    for (const std::string& ref : references[s]) {
      if (ref.empty()) continue;  // sacreBLEU skips empty references
      ++n_refs;
      auto stats = match_statistics(hyp, char_ngrams(ref, config));
      const double f = f_score(stats, config);
      if (f > best_f) {
        best_f = f;
        best = std::move(stats);
      }
    }
    if (n_refs == 0) fail<ValueError>("corpus_chrf: sentence ", s + 1, " has no non-empty reference");
    min_refs = s == 0 ? n_refs : std::min(min_refs, n_refs);
    max_refs = std::max(max_refs, n_refs);
    for (std::size_t k = 0; k < total.size(); ++k) total[k] += best[k];
  }
  ChrfScore out;
  out.config = config;
  out.score = f_score(total, config);
  out.refs = min_refs == max_refs ? max_refs : -1;
  for (std::size_t n = 0; n < orders; ++n) {
    out.hyp_ngrams.push_back(total[3 * n]);
    out.ref_ngrams.push_back(total[3 * n + 1]);
    out.matches.push_back(total[3 * n + 2]);
  }
  return out;
}

std::string ChrfScore::signature() const {
  return str("nrefs:", refs < 0 ? std::string("var") : std::to_string(refs),
             "|case:", config.lowercase ? "lc" : "mixed", "|eff:", config.eps_smoothing ? "no" : "yes",
             "|nc:", config.char_order, "|nw:0|space:", config.whitespace ? "yes" : "no");
}

std::string ChrfScore::format() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", score);
  return str("chrF", config.beta, '|', signature(), " = ", buf);
}

}  // namespace sf::text
