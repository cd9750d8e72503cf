// evaluation.hpp: how good is a translator? Its loss on held-out pairs, how many sentences it
// translates exactly right, and scores of its translations:
//   - a "words" run (the toy grammar): corpus BLEU on its word tokens against each reference as the
//     model can spell it (unknown words as <unk>), one reference per pair;
//   - a "bpe" run (real text): BLEU as sacreBLEU computes it by default (13a, cased, on the detokenised
//     translation against the raw references), its lowercased variant, and chrF2 (text/bleu.hpp,
//     text/chrf.hpp). Pairs with the same source are one sentence with several references.
// Every sentence is scored: a source longer than the model takes gets an empty translation (counted).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "examples/translator/run_config.hpp"
#include "examples/translator/tokeniser.hpp"
#include "nn/transformer.hpp"
#include "text/bleu.hpp"
#include "text/chrf.hpp"

namespace sf::translator {

/// Greedy decoding (beam 1) is what train, eval and translate use unless --beam says otherwise.
inline constexpr std::int64_t kDefaultBeam = 1;

struct EvalOptions {
  std::int64_t max_sentences = 0;    // translate at most this many (0 = all); the loss uses every pair
  std::int64_t beam = kDefaultBeam;  // 1 = greedy decoding (batched); more = beam search
  double length_penalty = 0.6;
  std::int64_t batch_size = 128;
  std::int64_t max_len = 32;  // longest translation produced, in tokens
};

/// "greedy decoding" or "beam search (width 4, length penalty 0.6)".
std::string describe_decoding(const EvalOptions& options);

struct EvalResult {
  double loss = 0;                      // mean cross-entropy per target token (teacher forcing, no smoothing)
  double exact_match = 0;               // share of translated sentences equal to (one of) the reference(s)
  text::BleuScore bleu;                 // corpus BLEU (see the top of this file), in 0..100
  bool text_scores = false;             // a bpe run: the three scores below are sacreBLEU's
  text::BleuScore lowercase_bleu;       // bpe: BLEU after lower-casing both sides
  text::ChrfScore chrf;                 // bpe: chrF2
  std::int64_t sentences = 0;           // translated (distinct sources for a bpe run)
  std::int64_t references = 0;          // their references (pairs)
  std::int64_t too_long = 0;            // sources longer than the model takes (empty translations)
  std::vector<std::string> sources;     // the translated sentences, in order
  std::vector<std::string> hypotheses;  // their translations, detokenised
  std::vector<std::string> first_references;  // the first reference of each
  std::string decoding;                       // describe_decoding(options)

  /// Each translated sentence with its first reference (for samples: first_distinct_sources).
  std::vector<SentencePair> translated_pairs() const;
};

/// Evaluates `model` (put it in eval mode first) on `pairs`.
EvalResult evaluate(const nn::Transformer& model, const std::vector<SentencePair>& pairs,
                    const Tokeniser& tokeniser, const EvalOptions& options);

/// The distinct sources of `pairs` in the order evaluate translates them for a bpe run: first
/// appearance, at most `max_sentences` (0 = all). A translator elsewhere translates these, line for
/// line, for score_translations.
std::vector<std::string> distinct_sources(const std::vector<SentencePair>& pairs,
                                          std::int64_t max_sentences = 0);

/// Scores translations made elsewhere (by the PyTorch peer, say) as evaluate scores a bpe run's own:
/// hypotheses[i] (detokenised text) translates distinct_sources(pairs, max_sentences)[i]. Exact match,
/// BLEU, lowercased BLEU and chrF2; no loss (0). ValueError if the numbers of sentences differ.
EvalResult score_translations(const std::vector<SentencePair>& pairs, std::vector<std::string> hypotheses,
                              std::int64_t max_sentences = 0);

/// One sentence of plain text in, its translation out (detokenised). Throws sf::ValueError naming
/// the limit and the option if the sentence is longer than the model takes.
std::string translate_text(const nn::Transformer& model, const Tokeniser& tokeniser, const std::string& text,
                           const EvalOptions& options);

/// Translates each line of `in` onto a line of `out` (an empty line stays empty). A line that cannot be
/// translated (too long, invalid UTF-8) gets an empty output line and an error on `errors` naming its
/// line number, and the lines after it are still translated. Returns how many lines failed.
std::int64_t translate_lines(const nn::Transformer& model, const Tokeniser& tokeniser, std::istream& in,
                             std::ostream& out, std::ostream& errors, const EvalOptions& options);

/// The report of an evaluation named `name`: one line for a words run; for a bpe run the counts and
/// the decoding, the loss and exact match, then sacreBLEU's lines for BLEU, lowercased BLEU and chrF2
/// (`sacrebleu -m bleu chrf`'s format without its version field), and the sentences over `max_len`.
std::string format_result(const std::string& name, const EvalResult& result, std::int64_t max_len);

}  // namespace sf::translator
