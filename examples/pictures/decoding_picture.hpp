// decoding_picture.hpp: decoding drawn step by step. Greedy against beam search on one sentence,
// with every step's candidates, their log-probabilities, which beams survive and which are pruned;
// and sampling with a temperature and top-k beside them (chapter 13).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "examples/translator/decoding.hpp"
#include "examples/translator/run_config.hpp"

namespace sf::pictures {

/// One candidate of one beam-search step: a live hypothesis extended by one token.
struct BeamCandidate {
  std::vector<int> tokens;  // the hypothesis after this token (without </s>)
  int token = 0;            // the token added (</s> finishes the hypothesis)
  double log_prob = 0;      // log P(tokens | source), summed over the steps
  std::size_t parent = 0;   // index of the live beam it extends, in the previous step's kept list
  enum class Fate { kept, finished, pruned } fate = Fate::pruned;
  double score = 0;  // length-penalised score, for finished hypotheses
};

struct BeamTrace {
  std::vector<std::vector<BeamCandidate>> steps;  // the 2·width best candidates of each step, best first
  std::vector<int> result;                        // what beam search returns
};

/// Beam search as translator::beam_search does it (same candidates, ties, stopping rule and
/// length penalty), recording every step. The test checks that both return the same tokens.
BeamTrace traced_beam_search(const nn::Transformer& model, const Tensor& source,
                             const translator::BeamConfig& config);

/// Samples a translation: each step draws from softmax(logits / temperature), restricted to the
/// top_k most probable tokens (0 = all). <pad> and <s> are never drawn.
std::vector<int> sample_decode(const nn::Transformer& model, const Tensor& source, double temperature,
                               std::int64_t top_k, std::int64_t max_len, Generator& gen);

/// The first step's next-word probabilities under `temperature` and `top_k`, best first: (token, p).
std::vector<std::pair<int, double>> first_step_distribution(const nn::Transformer& model,
                                                            const Tensor& source, double temperature,
                                                            std::int64_t top_k);

/// The picture for `sentence`: greedy's path and beam search's tree step by step, then sampling.
std::string decoding_svg(const nn::Transformer& model, const translator::Tokeniser& tokeniser,
                         const std::string& sentence, const translator::BeamConfig& config);

/// The first of `sentences` whose greedy and beam-search translations differ (or the first one).
std::string sentence_where_searches_disagree(const nn::Transformer& model,
                                             const translator::Tokeniser& tokeniser,
                                             const std::vector<std::string>& sentences,
                                             const translator::BeamConfig& config);

}  // namespace sf::pictures
