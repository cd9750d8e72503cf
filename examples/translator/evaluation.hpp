// evaluation.hpp: how good is a translator? Its loss on held-out pairs, how many sentences it
// translates exactly right, and their corpus BLEU (bleu.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "examples/translator/bleu.hpp"
#include "examples/translator/run_config.hpp"
#include "nn/transformer.hpp"

namespace sf::translator {

struct EvalOptions {
  std::int64_t max_sentences = 0;  // translate at most this many (0 = all); the loss uses every pair
  std::int64_t beam = 1;           // 1 = greedy decoding (batched); more = beam search
  double length_penalty = 0.6;
  std::int64_t batch_size = 128;
  std::int64_t max_len = 32;       // longest translation produced, in tokens
};

struct EvalResult {
  double loss = 0;          // mean cross-entropy per target token (teacher forcing, no smoothing)
  double exact_match = 0;   // share of translated sentences equal to the reference, token for token
  BleuScore bleu;           // corpus BLEU-4 of the translations
  std::int64_t sentences = 0;
  std::vector<std::string> hypotheses;  // the translations, detokenized, in order
};

/// Evaluates `model` (put it in eval mode first) on `pairs`.
EvalResult evaluate(const nn::Transformer& model, const std::vector<SentencePair>& pairs, const Vocabularies& vocabs,
                    const EvalOptions& options);

/// One sentence of plain text in, its translation out (detokenized).
std::string translate_text(const nn::Transformer& model, const Vocabularies& vocabs, const std::string& text,
                           const EvalOptions& options);

}  // namespace sf::translator
