// training.hpp: the translator's training loop, with validation, checkpoints and exact resumes.
//
// One step: take a batch, run the model on the source and the shifted target (teacher forcing),
// compute the label-smoothed cross-entropy, backpropagate, clip the gradient, take an Adam step at
// the schedule's learning rate. Every `eval_every` steps: validation loss, exact match and BLEU,
// three sample translations, and a checkpoint (the latest, and the best so far). The output
// directory then holds:
//   latest/, best/         checkpoints (model.safetensors opens in PyTorch; training.safetensors)
//   vocab.source.txt, vocab.target.txt
//   history.tsv            the training loss of every step and each validation's results
// Ctrl-C saves the latest checkpoint and stops; a loss that turns NaN or infinite stops training
// without saving, so the last good checkpoint stays as it was.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "examples/translator/evaluation.hpp"
#include "examples/translator/run_config.hpp"

namespace sf::translator {

/// One row of history.tsv.
struct HistoryRow {
  std::int64_t step = 0;
  double train_loss = 0, lr = 0;
  bool validated = false;
  double val_loss = 0, val_exact = 0, val_bleu = 0;
};

struct TrainOptions {
  std::string out_dir = "runs/toy";
  bool resume = false;           // continue from out_dir/latest with its stored settings
  std::ostream* out = nullptr;   // progress and results (standard output if null)
  std::int64_t stop_at_step = 0;  // > 0: save and stop there, as Ctrl-C would (to test resumes)
};

struct TrainResult {
  std::int64_t steps = 0;
  double train_seconds = 0;      // time spent in training steps (validation excluded)
  double tokens_per_second = 0;  // target tokens per second of training
  bool interrupted = false;      // stopped by Ctrl-C (after saving)
  bool diverged = false;         // stopped by a NaN or infinite loss (without saving)
  std::vector<HistoryRow> history;
};

/// Trains a model as `config` says (ignored when resuming: the stored settings are used).
TrainResult train(const RunConfig& config, const TrainOptions& options);

/// Reads and writes history.tsv.
std::vector<HistoryRow> read_history(const std::string& path);
void write_history(const std::string& path, const std::vector<HistoryRow>& rows);

}  // namespace sf::translator
