// decoding.cpp: greedy decoding and beam search on the Transformer's generation API.
#include "examples/translator/decoding.hpp"

#include <algorithm>
#include <cmath>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/ops/softmax.hpp"
#include "examples/translator/vocab.hpp"

namespace sf::translator {
namespace {

/// Log-probabilities of the next token for every row of a generation step's logits [R, 1, V].
/// <pad> and <s> never follow a generated word, so they get probability 0 (log -inf).
std::vector<std::vector<double>> next_log_probs(const Tensor& logits) {
  Tensor z = logits.select(1, 0).to(kFloat64).clone();  // [R, V]
  {
    NoGradGuard no_grad;
    z.narrow(1, Vocab::pad_id, 1).fill_(-INFINITY);
    z.narrow(1, Vocab::bos_id, 1).fill_(-INFINITY);
  }
  const Tensor lp = log_softmax(z, -1);
  const std::int64_t R = lp.size(0), V = lp.size(1);
  const double* p = lp.data<double>();
  std::vector<std::vector<double>> rows(static_cast<std::size_t>(R));
  for (std::int64_t r = 0; r < R; ++r) rows[static_cast<std::size_t>(r)].assign(p + r * V, p + (r + 1) * V);
  return rows;
}

Tensor column(const std::vector<int>& tokens) {
  return tensor(std::vector<double>(tokens.begin(), tokens.end()),
                {static_cast<std::int64_t>(tokens.size()), 1}, {.dtype = kInt64});
}

/// Each row's limit: decoding_limit of its real (non-padding) tokens.
std::vector<std::int64_t> row_limits(const Tensor& source, std::int64_t max_len) {
  const std::int64_t B = source.size(0), S = source.size(1);
  const std::vector<std::int64_t> ids = source.contiguous().to_vector<std::int64_t>();
  std::vector<std::int64_t> limits;
  for (std::int64_t b = 0; b < B; ++b)
    limits.push_back(decoding_limit(std::count_if(ids.begin() + b * S, ids.begin() + (b + 1) * S,
                                                  [](auto id) { return id != Vocab::pad_id; }),
                                    max_len));
  return limits;
}

}  // namespace

std::int64_t decoding_limit(std::int64_t source_tokens, std::int64_t max_len) {
  const std::int64_t words = std::max<std::int64_t>(source_tokens - 2, 0);  // without <s> and </s>
  return std::min(max_len, kSourceLengthLimit.per_source_token * words + kSourceLengthLimit.extra);
}

// [doc:greedy]
std::vector<std::vector<int>> greedy_decode(const nn::Transformer& model, const Tensor& source,
                                            std::int64_t max_len, std::vector<TraceStep>* trace) {
  NoGradGuard no_grad;
  const auto B = static_cast<std::size_t>(source.size(0));
  nn::GenerationState state = model.start_generation(source, max_len);  // <s> then up to max_len - 1 words
  std::vector<std::vector<int>> out(B);
  std::vector<bool> done(B, false);
  std::vector<int> last(B, Vocab::bos_id);  // every sentence starts from <s>
  // Each sentence stops at its own limit too: decoding_limit of its source's length.
  const std::vector<std::int64_t> limit = row_limits(source, max_len);
  for (std::int64_t step = 0; step < max_len; ++step) {
    const auto lp = next_log_probs(model.generation_step(state, column(last)));  // one token per sentence
    for (std::size_t b = 0; b < B; ++b) {
      const auto best = std::max_element(lp[b].begin(), lp[b].end());  // greedy: the most probable word
      last[b] = static_cast<int>(best - lp[b].begin());
      if (b == 0 && trace && !done[0]) {
        TraceStep s{{Vocab::bos_id}, {}, last[0]};
        s.prefix.insert(s.prefix.end(), out[0].begin(), out[0].end());
        std::vector<int> ids(lp[0].size());
        for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int>(i);
        std::partial_sort(ids.begin(), ids.begin() + 3, ids.end(),
                          [&](int x, int y) { return lp[0][x] > lp[0][y]; });
        for (int k = 0; k < 3; ++k) s.top_candidates.emplace_back(ids[k], std::exp(lp[0][ids[k]]));
        trace->push_back(s);
      }
      if (done[b]) continue;
      if (last[b] == Vocab::eos_id)
        done[b] = true;
      else
        out[b].push_back(last[b]);
      if (static_cast<std::int64_t>(out[b].size()) >= limit[b]) done[b] = true;  // long enough
    }
    if (std::all_of(done.begin(), done.end(), [](bool d) { return d; })) break;
  }
  return out;
}
// [doc:end]

// [doc:beam]
std::vector<int> beam_search(const nn::Transformer& model, const Tensor& source, const BeamConfig& config) {
  if (source.dim() != 2 || source.size(0) != 1)
    fail<ShapeError>("beam_search: expected one source sentence [1, S], got ", source.shape());
  if (config.width <= 0) fail<ValueError>("beam_search: width must be positive, got ", config.width);
  NoGradGuard no_grad;
  struct Hypothesis {
    std::vector<int> tokens;  // without <s>
    double log_prob = 0;      // log P(tokens | source)
  };
  auto score = [&](double log_prob, std::size_t length) {  // length-penalised (Wu et al. 2016)
    return log_prob / std::pow((5.0 + static_cast<double>(length)) / 6.0, config.length_penalty);
  };
  const auto width = static_cast<std::size_t>(config.width);
  nn::GenerationState state = model.start_generation(source, config.max_len);
  const std::int64_t limit = row_limits(source, config.max_len)[0];
  std::vector<Hypothesis> live{{}};  // one empty hypothesis; its next input is <s>
  std::vector<int> last{Vocab::bos_id};
  std::vector<std::pair<double, std::vector<int>>> finished;  // (penalised score, tokens)
  for (std::int64_t step = 0; step < limit; ++step) {
    const auto lp = next_log_probs(model.generation_step(state, column(last)));
    // Every one-token extension of every live hypothesis; keep the 2·width best (ties broken by
    // beam and token, so the search is deterministic).
    struct Candidate {
      double log_prob;
      std::size_t beam;
      int token;
    };
    std::vector<Candidate> candidates;
    for (std::size_t b = 0; b < live.size(); ++b)
      for (std::size_t t = 0; t < lp[b].size(); ++t)
        candidates.push_back({live[b].log_prob + lp[b][t], b, static_cast<int>(t)});
    const std::size_t keep = std::min(candidates.size(), 2 * width);
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep),
                      candidates.end(), [](const Candidate& a, const Candidate& b) {
                        if (a.log_prob != b.log_prob) return a.log_prob > b.log_prob;
                        return std::pair(a.beam, a.token) < std::pair(b.beam, b.token);
                      });
    // Best first: an </s> finishes its hypothesis; the others become the next live beams.
    std::vector<Hypothesis> next;
    std::vector<double> rows;
    last.clear();
    for (std::size_t i = 0; i < keep && next.size() < width; ++i) {
      const Candidate& c = candidates[i];
      if (c.token == Vocab::eos_id) {
        finished.emplace_back(score(c.log_prob, live[c.beam].tokens.size() + 1), live[c.beam].tokens);
        continue;
      }
      Hypothesis h{live[c.beam].tokens, c.log_prob};
      h.tokens.push_back(c.token);
      next.push_back(std::move(h));
      rows.push_back(static_cast<double>(c.beam));
      last.push_back(c.token);
    }
    live = std::move(next);
    if (finished.size() >= width || live.empty()) break;  // enough finished hypotheses
    state.select_rows(tensor(rows, {.dtype = kInt64}));   // each cache row follows its hypothesis
  }
  if (!finished.empty())  // the best penalised score; the earliest wins a tie
    return std::max_element(finished.begin(), finished.end(),
                            [](const auto& a, const auto& b) { return a.first < b.first; })
        ->second;
  const auto best = std::max_element(live.begin(), live.end(), [&](const Hypothesis& a, const Hypothesis& b) {
    return score(a.log_prob, a.tokens.size()) < score(b.log_prob, b.tokens.size());
  });
  return best == live.end() ? std::vector<int>{} : best->tokens;
}
// [doc:end]

}  // namespace sf::translator
