// checkpointing.hpp: what a training run keeps on disk, so that it can stop at any step and resume
// exactly. The run directory holds:
//   vocab.source.txt, vocab.target.txt   the word vocabularies (tokeniser "words"), or
//   tokeniser.bpe                        the BPE tokeniser (tokeniser "bpe"), written once, when the run
//   starts latest/, best/                       checkpoints: the model, Adam's state, the run's settings and
//                                        its Progress (optim/checkpoint.hpp says what each file holds),
//                                        and history.tsv up to that step
//   snapshots/step-<step>.safetensors    with --average-last N: the weights of the last N validation
//                                        saves (written before latest/, atomically, with checksums)
//   averaged/                            with --average-last N: their mean, a checkpoint without
//                                        Adam's state, written when training ends (averaging.hpp)
//   history.tsv                          the training loss of every step and each validation's results
//                                        with the training time so far (a copy of the latest
//                                        checkpoint's, for reading and plotting)
//   run.lock                             locked (flock) while a process writes the directory
//                                        (run_lock.hpp)
//
// A checkpoint is one unit: it is written whole into a new directory ("latest.tmp-<pid>-<n>"), each
// file fsynced, then swapped with the old one in one atomic step (renameat2 RENAME_EXCHANGE), and the
// old one removed. A crash at any moment leaves either the old checkpoint or the new one, whole; the
// next process that opens the directory for writing removes the leftovers. Weights that are not
// finite are never saved.
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "examples/translator/history.hpp"
#include "examples/translator/run_config.hpp"
#include "nn/transformer.hpp"
#include "optim/adam.hpp"

namespace sf::translator {

/// Where the run is: enough to rebuild the exact batch sequence and random state after a resume.
struct Progress {
  std::int64_t epoch = 0, batch_in_epoch = 0, tokens = 0;
  double train_seconds = 0;    // in training steps
  double elapsed_seconds = 0;  // in all: setup, training, validation and saves (to the last checkpoint)
  double best_score = -1, best_loss = INFINITY;  // the best validation so far (training.hpp: the score)
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
  std::string averaged() const { return (dir_ / "averaged").string(); }

  /// The metadata stored with the latest checkpoint, and its settings (a resumed run uses them, not
  /// the command line's).
  std::map<std::string, std::string> stored_metadata() const;
  RunConfig stored_config() const;
  /// Creates the directory and writes the tokeniser's files; loads them back (the kind the config
  /// names), verifying them (IOError naming the file for anything missing or damaged) against the
  /// fingerprint a checkpoint stored (its metadata `checkpoint`): an edited file is an IOError.
  void save_tokeniser(const Tokeniser& tokeniser) const;
  Tokeniser load_tokeniser(const RunConfig& config,
                           const std::map<std::string, std::string>& checkpoint) const;
  /// The CRC-32 of the tokeniser's files (8 hexadecimal digits), stored in every checkpoint as
  /// "tokeniser.crc32".
  std::string tokeniser_fingerprint(const RunConfig& config) const;

  /// Whether the directory holds a run (a checkpoint, a tokeniser or a history).
  bool holds_run() const;
  /// Removes everything a run writes here: checkpoints, tokeniser, history, report and its pictures
  /// (before a new run with --overwrite).
  void remove_run() const;
  /// Removes what a killed save left behind (*.tmp-* directories and files), and puts back a
  /// checkpoint a save without an atomic exchange had moved aside. Call with the lock held.
  void remove_leftovers() const;

  /// Saves the model, Adam, the settings, the progress and the history into `checkpoint` (latest()
  /// or best()) as one unit (see the top of this file), then the copy of history.tsv. ValueError
  /// naming the parameter if a weight is not finite (nothing is written then).
  void save(const std::string& checkpoint, const TrainingState& state) const;
  /// Loads latest() into `state` (model, Adam, dropout's generator, progress) and its history, and
  /// removes the snapshots of steps after it (a save that the crash or kill cut short).
  void resume(const TrainingState& state) const;

  /// Writes the model's weights as the snapshot of `step` (atomically, with checksums; ValueError
  /// naming the parameter if a weight is not finite), then removes all but the last `keep` snapshots.
  void save_snapshot(const nn::Module& model, std::int64_t step, std::int64_t keep) const;
  /// The snapshots' paths, oldest first.
  std::vector<std::string> snapshots() const;
  /// Saves `model` (averaged weights) as averaged() with the run's settings, as one unit like save().
  void save_averaged(const nn::Module& model, const RunConfig& config,
                     const std::map<std::string, std::string>& metadata) const;

 private:
  std::filesystem::path dir_;
  /// Writes a checkpoint directory whole (see the top of this file): `write` fills a new directory,
  /// which then takes the place of `checkpoint` atomically.
  void write_unit(const std::string& checkpoint, const std::function<void(const std::string&)>& write) const;
};

}  // namespace sf::translator
