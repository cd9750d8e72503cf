// checkpointing.hpp: what a training run keeps on disk, so that it can stop at any step and resume
// exactly. The run directory holds:
//   vocab.source.txt, vocab.target.txt   the word vocabularies (tokeniser "words"), or
//   tokeniser.bpe                        the BPE tokeniser (tokeniser "bpe"), written once, when the run starts
//   latest/, best/                       checkpoints: the model, Adam's state, the run's settings and
//                                        its Progress (optim/checkpoint.hpp says what each file holds)
//   history.tsv                          the training loss of every step and each validation's results
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "examples/translator/run_config.hpp"
#include "nn/transformer.hpp"
#include "optim/adam.hpp"

namespace sf::translator {

/// One row of history.tsv.
struct HistoryRow {
  std::int64_t step = 0;
  double train_loss = 0, lr = 0;
  bool validated = false;
  double val_loss = 0, val_exact = 0, val_bleu = 0;
};

/// Reads and writes history.tsv.
std::vector<HistoryRow> read_history(const std::string& path);
void write_history(const std::string& path, const std::vector<HistoryRow>& rows);

/// Where the run is: enough to rebuild the exact batch sequence and random state after a resume.
struct Progress {
  std::int64_t epoch = 0, batch_in_epoch = 0, tokens = 0;
  double train_seconds = 0;
  double best_exact = -1, best_loss = INFINITY;  // the best validation so far
  Generator::State order_at_epoch_start{};       // the batch order's generator when this epoch began
};

/// Everything a checkpoint saves and a resume restores, by reference to the training loop's own.
struct TrainingState {
  const RunConfig& config;
  nn::Transformer& model;
  optim::Adam& adam;
  Generator& model_generator;  // dropout's
  Progress& progress;
  std::vector<HistoryRow>& history;
};

/// A training run's directory (see the top of this file).
class RunDirectory {
 public:
  explicit RunDirectory(std::filesystem::path dir) : dir_(std::move(dir)) {}

  std::string latest() const { return (dir_ / "latest").string(); }
  std::string best() const { return (dir_ / "best").string(); }

  /// The settings stored with the latest checkpoint (a resumed run uses them, not the command line's).
  RunConfig stored_config() const;
  /// Creates the directory and writes the tokeniser's files; loads them back (the kind the config
  /// names), verifying them (IOError naming the file for anything missing or damaged).
  void save_tokeniser(const Tokeniser& tokeniser) const;
  Tokeniser load_tokeniser(const RunConfig& config) const;

  /// Saves the model, Adam, the settings and the progress into `checkpoint` (latest() or best()),
  /// then history.tsv.
  void save(const std::string& checkpoint, const TrainingState& state) const;
  /// Loads latest() into `state` (model, Adam, dropout's generator, progress) and the history up to
  /// its step.
  void resume(const TrainingState& state) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace sf::translator
