// decoding.hpp: turning a trained model's probabilities into a translation, one word at a time.
//
// Generation feeds the decoder its own previous outputs: <s>, then the first word it chose, and
// so on until it produces </s> or reaches a length limit (<pad> and <s> are never chosen): the caller's
// max_len, or a limit set by the source's length (decoding_limit), whichever is shorter. Both searches use
// the decoder's key/value cache, so each step costs one token's work, not the whole prefix again.
//   greedy: at each step take the most probable word.
//   beam:   keep the `width` most probable partial translations; the final choice divides each
//           finished hypothesis's log-probability by a length penalty ((5 + n) / 6)^α (Wu et al.
//           2016; the paper uses width 4, α = 0.6), so longer sentences are not punished for
//           multiplying more probabilities. Width 1 is exactly greedy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "nn/transformer.hpp"

namespace sf::translator {

/// The length limit a source sets: a translation of a source of n tokens (without <s> and </s>) stops
/// at per_source_token · n + extra tokens. Without it an untrained or confused model babbles on to
/// max_len (256 for a bpe run), and decoding a validation set early in training takes longer than the
/// training between validations. 2n + 10 never cuts a real translation short: French is about as long
/// as English in words (1.05 times on Multi30k's training set, and no French line there is longer than
/// twice its English plus 3 words); the 10 leaves room for very short sources and for subword pieces.
struct SourceLengthLimit {
  std::int64_t per_source_token, extra;
};
inline constexpr SourceLengthLimit kSourceLengthLimit{2, 10};

/// The most tokens a translation of a source of `source_tokens` real tokens (with <s> and </s>, as
/// the model reads it) may have: min(max_len, 2 · (source_tokens - 2) + 10).
std::int64_t decoding_limit(std::int64_t source_tokens, std::int64_t max_len);

/// What one generation step looked at, for the step-by-step traces of chapter 13.
struct TraceStep {
  std::vector<int> prefix;                             // tokens fed so far (starting with <s>)
  std::vector<std::pair<int, double>> top_candidates;  // the most probable next tokens, with probabilities
  int chosen = 0;
};

/// Greedy decoding of a batch of sources [B, S] (int64, padded). Returns each sentence's tokens
/// without <s> and </s>, at most decoding_limit(its real source tokens, max_len) of them. `trace`, if given,
/// records the steps of sentence 0.
std::vector<std::vector<int>> greedy_decode(const nn::Transformer& model, const Tensor& source,
                                            std::int64_t max_len, std::vector<TraceStep>* trace = nullptr);

struct BeamConfig {
  std::int64_t width = 4;
  double length_penalty = 0.6;  // α; 0 compares raw log-probabilities
  std::int64_t max_len = 32;
};

/// Beam search for one source sentence [1, S]. Returns the best finished hypothesis (or the best
/// unfinished one at the length limit, decoding_limit(its real source tokens, config.max_len)),
/// without <s> and </s>.
std::vector<int> beam_search(const nn::Transformer& model, const Tensor& source, const BeamConfig& config);

}  // namespace sf::translator
