// bleu.cpp: the statistics and the score of bleu.hpp, following sacreBLEU's metrics/bleu.py step by step.
#include "text/bleu.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "core/error.hpp"
#include "text/tokenize_13a.hpp"
#include "text/unicode.hpp"

namespace sf::text {
namespace {

using NgramCounts = std::unordered_map<std::string, std::int64_t>;

void check_config(const BleuConfig& config) {
  if (config.max_order < 1 || config.max_order > 9)
    fail<ValueError>("corpus_bleu: max_order ", config.max_order, " is outside 1..9");
}

std::vector<std::string> preprocess(const std::string& line, const BleuConfig& config) {
  const std::string cased = config.lowercase ? lowercase(line) : line;
  return split_whitespace(config.tokenizer == BleuTokenizer::thirteen_a ? tokenize_13a(cased) : cased);
}

// Every n-gram of orders 1..max_order, as its tokens joined by single spaces.
NgramCounts ngrams(const std::vector<std::string>& tokens, int max_order) {
  NgramCounts counts;
  for (int n = 1; n <= max_order; ++n) {
    for (std::size_t i = 0; i + static_cast<std::size_t>(n) <= tokens.size(); ++i) {
      std::string key = tokens[i];
      for (int k = 1; k < n; ++k) key += ' ' + tokens[i + static_cast<std::size_t>(k)];
      ++counts[key];
    }
  }
  return counts;
}

int order_of(const std::string& ngram) {
  return 1 + static_cast<int>(std::count(ngram.begin(), ngram.end(), ' '));
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

}  // namespace

// [doc:bleu-statistics]
BleuStatistics bleu_statistics(const std::vector<std::string>& hypotheses,
                               const std::vector<std::vector<std::string>>& references,
                               const BleuConfig& config) {
  check_config(config);
  if (hypotheses.size() != references.size())
    fail<ValueError>("corpus_bleu: ", hypotheses.size(), " hypotheses but references for ", references.size(),
                     " sentences");
  const auto N = static_cast<std::size_t>(config.max_order);
  BleuStatistics stats;
  stats.matches.assign(N, 0.0);
  stats.totals.assign(N, 0.0);
  for (std::size_t s = 0; s < hypotheses.size(); ++s) {
    // The references: each n-gram's largest count in any one of them, and their lengths.
    NgramCounts ref_max;
    std::vector<std::int64_t> ref_lengths;
    for (const std::string& ref : references[s]) {
      if (ref.empty()) continue;  // sacreBLEU skips empty references
      const auto tokens = preprocess(ref, config);
      ref_lengths.push_back(static_cast<std::int64_t>(tokens.size()));
      for (const auto& [gram, count] : ngrams(tokens, config.max_order))
        ref_max[gram] = std::max(ref_max[gram], count);
    }
    if (ref_lengths.empty()) fail<ValueError>("corpus_bleu: sentence ", s + 1, " has no non-empty reference");
    const int n_refs = static_cast<int>(ref_lengths.size());
    stats.min_refs = s == 0 ? n_refs : std::min(stats.min_refs, n_refs);
    stats.max_refs = std::max(stats.max_refs, n_refs);
    // The hypothesis: clipped matches, n-gram totals, and the closest reference length.
    const auto tokens = preprocess(hypotheses[s], config);
    const auto hyp_len = static_cast<std::int64_t>(tokens.size());
    std::int64_t closest = ref_lengths[0];
    for (const std::int64_t r : ref_lengths) {
      const auto d = std::llabs(hyp_len - r), best = std::llabs(hyp_len - closest);
      if (d < best || (d == best && r < closest)) closest = r;
    }
    stats.sys_len += hyp_len;
    stats.ref_len += closest;
    for (const auto& [gram, count] : ngrams(tokens, config.max_order)) {
      const auto it = ref_max.find(gram);
      if (it != ref_max.end())
        stats.matches[static_cast<std::size_t>(order_of(gram) - 1)] += std::min(count, it->second);
    }
    for (std::size_t n = 1; n <= N; ++n)
      stats.totals[n - 1] +=
          static_cast<double>(std::max<std::int64_t>(0, hyp_len - static_cast<std::int64_t>(n) + 1));
  }
  return stats;
}
// [doc:end]

// [doc:bleu-score]
BleuScore bleu_from_statistics(const BleuStatistics& stats, const BleuConfig& config) {
  check_config(config);
  const auto N = static_cast<std::size_t>(config.max_order);
  if (stats.matches.size() != N || stats.totals.size() != N)
    fail<ValueError>("bleu_from_statistics: statistics for ", stats.matches.size(),
                     " orders, config max_order ", N);
  BleuScore out;
  out.config = config;
  out.matches = stats.matches;
  out.totals = stats.totals;
  out.sys_len = stats.sys_len;
  out.ref_len = stats.ref_len;
  out.refs = stats.min_refs == stats.max_refs ? stats.max_refs : -1;
  out.ratio =
      stats.ref_len > 0 ? static_cast<double>(stats.sys_len) / static_cast<double>(stats.ref_len) : 0.0;
  out.bp = stats.sys_len >= stats.ref_len ? 1.0
           : stats.sys_len > 0
               ? std::exp(1.0 - static_cast<double>(stats.ref_len) / static_cast<double>(stats.sys_len))
               : 0.0;
  out.precisions.assign(N, 0.0);
  if (std::all_of(stats.matches.begin(), stats.matches.end(), [](double m) { return m == 0; })) return out;

  double smooth_value = config.smooth_value;
  if (smooth_value < 0) smooth_value = config.smoothing == BleuSmoothing::floor ? 0.1 : 1.0;
  double mteval = 1.0;  // 'exp': doubles at each order without a match
  std::size_t used_orders = N;
  for (std::size_t n = 1; n <= N; ++n) {
    double& matches = out.matches[n - 1];
    double& total = out.totals[n - 1];
    if (config.smoothing == BleuSmoothing::add_k && n > 1) {
      matches += smooth_value;
      total += smooth_value;
    }
    if (total == 0) break;
    if (config.effective_order) used_orders = n;
    if (matches == 0) {
      if (config.smoothing == BleuSmoothing::exp) {
        mteval *= 2;
        out.precisions[n - 1] = 100.0 / (mteval * total);
      } else if (config.smoothing == BleuSmoothing::floor) {
        out.precisions[n - 1] = 100.0 * smooth_value / total;
      }
    } else {
      out.precisions[n - 1] = 100.0 * matches / total;
    }
  }
  double log_sum = 0;  // a zero precision counts as log 0 = −9999999999, as in sacreBLEU's my_log
  for (std::size_t n = 0; n < used_orders; ++n)
    log_sum += out.precisions[n] == 0 ? -9999999999.0 : std::log(out.precisions[n]);
  out.score = out.bp * std::exp(log_sum / static_cast<double>(used_orders));
  return out;
}
// [doc:end]

BleuScore corpus_bleu(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references, const BleuConfig& config) {
  return bleu_from_statistics(bleu_statistics(hypotheses, references, config), config);
}

std::string BleuScore::signature() const {
  std::string smooth = "exp";
  if (config.smoothing == BleuSmoothing::none) smooth = "none";
  if (config.smoothing == BleuSmoothing::floor)
    smooth = "floor[" + fixed(config.smooth_value < 0 ? 0.1 : config.smooth_value, 2) + "]";
  if (config.smoothing == BleuSmoothing::add_k)
    smooth = "add-k[" + fixed(config.smooth_value < 0 ? 1.0 : config.smooth_value, 2) + "]";
  return str("nrefs:", refs < 0 ? std::string("var") : std::to_string(refs),
             "|case:", config.lowercase ? "lc" : "mixed", "|eff:", config.effective_order ? "yes" : "no",
             "|tok:", config.tokenizer == BleuTokenizer::thirteen_a ? "13a" : "none", "|smooth:", smooth);
}

std::string BleuScore::format() const {
  std::string precision_text;
  for (std::size_t n = 0; n < precisions.size(); ++n) {
    if (n > 0) precision_text += '/';
    precision_text += fixed(precisions[n], 1);
  }
  return str("BLEU|", signature(), " = ", fixed(score, 2), ' ', precision_text, " (BP = ", fixed(bp, 3),
             " ratio = ", fixed(ratio, 3), " hyp_len = ", sys_len, " ref_len = ", ref_len, ')');
}

}  // namespace sf::text
