// training.hpp: the translator's training loop, with validation, checkpoints and exact resumes.
//
// Each step (training_step.hpp): take a batch, run the model on the source and the shifted target
// (teacher forcing), compute the label-smoothed cross-entropy, backpropagate, clip the gradient,
// take an Adam step at the schedule's learning rate. Every `eval_every` steps: validation loss,
// exact match and BLEU, printed with the training time so far, three sample translations, and a
// checkpoint (the latest, and the best so far by selection_score) in the output directory
// (checkpointing.hpp lists its files). Training stops at the run's
// steps, its minutes or Ctrl-C (stop_rules.hpp); Ctrl-C saves the latest checkpoint first. A loss
// or gradient that turns NaN or infinite, or a loss above ten times the highest of the first step's
// and the last 100 steps' (divergence_limit), stops training before the update and without saving,
// so the last checkpoint, verified finite when written, stays.
//
// The run directory is locked while training writes it (RunLock). Training into a directory that
// already holds a run is refused unless resuming, or told to overwrite it: then the old run is
// removed only after the new settings and data have been read and checked.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "examples/translator/batching.hpp"
#include "examples/translator/checkpointing.hpp"
#include "examples/translator/evaluation.hpp"
#include "examples/translator/run_config.hpp"

namespace sf::translator {

struct TrainOptions {
  std::string out_dir = "runs/toy";
  bool resume = false;            // continue from out_dir/latest with its stored settings
  bool overwrite = false;         // replace a run already in out_dir (refused otherwise)
  std::string init_from{};        // a new run starts from these weights (a safetensors file, e.g. PyTorch's)
  std::int64_t extend_steps = 0;  // resume: train to this many steps instead of the stored (0 = stored)
  double extend_minutes = -1;     // resume: this time budget instead of the stored (-1 = stored)
  std::ostream* out = nullptr;    // progress and results (standard output if null)
};

struct TrainResult {
  std::int64_t steps = 0;
  double train_seconds = 0;      // time spent in training steps (validation excluded)
  double elapsed_seconds = 0;    // in all: setup, training, validation and saves (every session)
  double tokens_per_second = 0;  // target tokens per second of training
  bool interrupted = false;      // stopped by Ctrl-C (after saving)
  bool diverged = false;         // stopped by a NaN or infinite loss or gradient, or a loss far above
                                 // its recent range (without saving)
  std::vector<HistoryRow> history;
  std::string final_checkpoint = "best";     // the final model: "best", or "averaged" when it scores higher
  double best_score = -1;                    // the best checkpoint's selection_score on validation
  double averaged_score = -1;                // the averaged checkpoint's (-1: none was made)
  std::vector<std::int64_t> averaged_steps;  // the validation saves averaged
};

/// How many validation sentences are translated (and scored) at each validation; the loss uses them all.
inline constexpr std::int64_t kValidationSentences = 200;

/// How the run cuts its training pairs into batches (make_batches), from its settings.
BatchingConfig batching_config(const RunConfig& config);

/// The generator that draws the first epoch's batch order; each later epoch's order continues from
/// the state the previous epoch's make_batches left it in.
Generator batch_order_generator(const RunConfig& config);

/// Trains a model as `config` says (ignored when resuming: the stored settings are used).
TrainResult train(const RunConfig& config, const TrainOptions& options);

/// What chooses the best checkpoint: validation BLEU for a run on files (real text), exact match for
/// the toy grammar (whose BLEU saturates near 100 while exact match still tells models apart).
double selection_score(const RunConfig& config, const EvalResult& r);

/// The highest loss a step may have before training stops as diverging: kDivergenceFactor (ten)
/// times the highest of the first step's loss and the last kDivergenceWindow (100) steps' (infinite
/// before the first step).
inline constexpr double kDivergenceFactor = 10;
inline constexpr std::size_t kDivergenceWindow = 100;
double divergence_limit(const std::vector<HistoryRow>& history);

}  // namespace sf::translator
