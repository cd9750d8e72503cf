// training.hpp: the translator's training loop, with validation, checkpoints and exact resumes.
//
// Each step (training_step.hpp): take a batch, run the model on the source and the shifted target
// (teacher forcing), compute the label-smoothed cross-entropy, backpropagate, clip the gradient,
// take an Adam step at the schedule's learning rate. Every `eval_every` steps: validation loss,
// exact match and BLEU, three sample translations, and a checkpoint (the latest, and the best so
// far) in the output directory (checkpointing.hpp lists its files). Training stops at the run's
// steps, its minutes or Ctrl-C (stop_rules.hpp); Ctrl-C saves the latest checkpoint first. A loss
// that turns NaN or infinite stops training without saving, so the last good checkpoint stays.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "examples/translator/checkpointing.hpp"
#include "examples/translator/evaluation.hpp"
#include "examples/translator/run_config.hpp"

namespace sf::translator {

struct TrainOptions {
  std::string out_dir = "runs/toy";
  bool resume = false;          // continue from out_dir/latest with its stored settings
  std::int64_t beam = kDefaultBeam;  // the decoding validation uses (1 = greedy)
  std::ostream* out = nullptr;  // progress and results (standard output if null)
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

}  // namespace sf::translator
