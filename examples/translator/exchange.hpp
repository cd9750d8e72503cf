// exchange.hpp: a run's data and settings as plain text for a peer outside scratchformer (the PyTorch
// script tests/bench/train_vs_pytorch.py trains torch.nn.Transformer on them), and that peer's
// translations, as token ids, scored exactly as `translator eval` scores ours.
//
//   translator export --run DIR --out DIR2 [--steps N] [--test-src FILE]   writes into DIR2, with the
//   run's own tokeniser and settings:
//     train.ids      the training pairs as training feeds them, after its max_len filter: one per line,
//                    source ids, a tab, target ids, each side framed by <s> … </s>
//     valid.ids      the validation pairs the same way (what the validation loss is computed on)
//     valid.src.ids  the distinct validation sources, framed, in the order validation translates them
//                    (distinct_sources); an empty line for a source over max_len (its translation is empty)
//     test.src.ids   the same for the sentences of --test-src
//     batches.txt    the batches training draws in its first N steps (default: the run's steps), in
//                    order, epoch after epoch: one line per batch, the indices of its pairs in train.ids
//     settings.txt   key=value lines: the model, the recipe, validation and decoding (write_settings)
//   translator score --run DIR --hyp-ids FILE --ref FILE [--src FILE]   turns translations given as
//   ids into text with the run's tokeniser and prints eval's scores (BLEU, lowercased BLEU, chrF2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "examples/translator/batching.hpp"
#include "examples/translator/evaluation.hpp"
#include "examples/translator/run_config.hpp"

namespace sf::translator {

struct ExportOptions {
  std::string run_dir;
  std::string out_dir;
  std::int64_t steps = 0;            // batches to list (0 = the run's steps)
  std::string test_source{};         // if given: test.src.ids for these sentences
  std::int64_t beam = kDefaultBeam;  // the decoding the peer uses (and our validation used)
  double length_penalty = 0.6;       // for the test set
  std::ostream* out = nullptr;       // what was written (standard output if null)
};

/// Writes the files listed at the top of this file. IOError naming the run directory if it holds no
/// trained run, or naming a file that cannot be written.
void export_run(const ExportOptions& options);

/// The indices (into `pairs`) of the pairs of each batch that make_batches(pairs, config, gen) makes,
/// in its order; `gen` advances exactly as make_batches advances it.
std::vector<std::vector<std::size_t>> batch_indices(const std::vector<EncodedPair>& pairs,
                                                    const BatchingConfig& config, Generator& gen);

/// settings.txt: every setting the model's forward pass, the training recipe, validation and decoding
/// depend on, as key=value lines (# begins a comment).
void write_settings(std::ostream& out, const RunConfig& config, const Tokeniser& tokeniser,
                    const ExportOptions& options);

/// The token ids of each line of `path`: whole numbers separated by spaces (an empty line is an empty
/// translation). ValueError naming the file and the line for anything else, or an id outside
/// 0..vocab_size-1.
std::vector<std::vector<int>> read_id_lines(const std::string& path, std::int64_t vocab_size);

/// `translator export` and `translator score` (main.cpp calls them).
int export_command(const std::vector<std::string>& args);
int score_command(const std::vector<std::string>& args);

}  // namespace sf::translator
