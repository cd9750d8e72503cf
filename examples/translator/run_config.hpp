// run_config.hpp: everything that defines a training run of the translator: the data, the model and
// the training settings. It is stored in every checkpoint's metadata, so `translate`, `eval` and a
// resumed `train` rebuild exactly the same model and data from the run directory alone.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "examples/translator/sentence_pair.hpp"
#include "examples/translator/tokeniser.hpp"
#include "examples/translator/vocab.hpp"
#include "nn/transformer.hpp"

namespace sf::translator {

struct RunConfig {
  // ---- data ----
  std::string data_path{};                   // a TSV file of pairs; "" and no source_path = the toy grammar
  std::string source_path{}, target_path{};  // or: parallel text files, line i of one translates line i
  std::string valid_source_path{}, valid_target_path{};  // their validation set ("" = split from training)
  std::uint64_t data_seed = 1;          // the grammar's seed, or the train/validation split's
  std::int64_t train_size = 50000;      // toy: pairs generated for training
  std::int64_t validation_size = 1000;  // toy: in-distribution validation pairs
  std::int64_t test_size = 1000;        // toy: held-out pairs with unseen combinations
  double validation_fraction = 0.1;     // TSV: share of the pairs kept for validation
  std::string tokeniser = "words";      // or "bpe" (tokeniser.hpp); the command line's default for files
  std::int64_t vocab_size = 8000;       // bpe: pieces of the joint English+French tokeniser
  std::int64_t min_count = 1;           // words: words seen fewer times in training become <unk>
  std::int64_t max_len = 32;            // longest sentence (in tokens, with <s> and </s>) the model takes
  // ---- model ----
  std::string preset = "small";  // small, medium or base (sizes below override when > 0)
  std::int64_t d_model = 0, heads = 0, d_ff = 0, layers = 0;
  double dropout = 0.1;
  // ---- training ----
  std::int64_t steps = 2400;        // optimizer steps (the run stops at steps or minutes, whichever is first)
  double minutes = 0;               // a time budget; 0 = none
  std::int64_t batch_size = 64;     // sentences per batch
  std::int64_t batch_tokens = 0;    // or: batches of up to this many padded tokens (0 = by batch_size)
  std::string schedule = "cosine";  // "cosine" (warm-up then cosine decay) or "noam" (the paper's)
  double lr = 2e-3;                 // peak learning rate (cosine); noam's is set by d_model and warmup
  std::int64_t warmup = 200;
  double label_smoothing = 0.1;
  double clip = 1.0;              // gradient clipping by global norm; 0 = off
  std::uint64_t seed = 1;         // initial weights, dropout and batch order
  std::int64_t eval_every = 400;  // steps between validations
  std::int64_t average_last = 0;  // at the end, average the last N validation saves' weights (0 = off)
  // The decoding validation uses, and the final test after training: stored, so that every
  // validation of a run, resumed or not, scores the same way and the best checkpoint is chosen
  // between like and like.
  std::int64_t beam = 1;        // 1 = greedy decoding
  double length_penalty = 0.6;  // beam search's α

  /// Whether the data are files of real text (a TSV file or parallel files), not the toy grammar.
  bool uses_files() const { return !data_path.empty() || !source_path.empty(); }
  /// The model these settings describe, for vocabularies of the given sizes.
  nn::TransformerConfig model_config(std::int64_t source_vocab, std::int64_t target_vocab) const;
  /// As checkpoint metadata (strings), and back. from_metadata throws IOError for a missing key, a
  /// value that is not a number, or one outside its bounds (validate; a stored run has its sizes
  /// resolved, so a size of 0 is an error there). Settings added after runs were already being saved
  /// (batch_tokens, average_last, beam, length_penalty) take their default when missing: a run saved
  /// before them did not use them.
  std::map<std::string, std::string> to_metadata() const;
  static RunConfig from_metadata(const std::map<std::string, std::string>& metadata);

  /// Checks every number against its bounds (run_config.cpp's table, listed by `translator train
  /// --help` too) and every name against its choices. ValueError naming the setting, its option, the
  /// value and the limit: "run setting 'layers' (--layers) is 100000, outside 0 to 64".
  /// `resolved`: the model sizes must be set (1 and up), as in a checkpoint.
  void validate(bool resolved = false) const;
  /// The model sizes the preset gives, written into d_model, heads, d_ff and layers where they are 0.
  void resolve_sizes();
};

/// The sentence pairs of a run, split three ways, and what reading them reported.
struct RunData {
  std::vector<SentencePair> train, validation, test;
  std::string description;  // where they came from, their sizes, and any malformed lines skipped
};

/// Generates the toy data, or reads the files, as the config says: a TSV file is split into training
/// and validation pairs by source; parallel files use their validation files, or are split the same
/// way without them. The test pairs of a file run are its validation pairs (a test set is scored with
/// `translator eval`, never used to choose a model). ValueError for an incomplete set of paths.
RunData load_run_data(const RunConfig& config);

/// Word vocabularies built from the training side of the data.
Vocabularies build_vocabularies(const std::vector<SentencePair>& train, std::int64_t min_count);

/// The tokeniser the config names, learned from the training pairs: word vocabularies, or one BPE
/// tokeniser of config.vocab_size pieces learned from both sides. ValueError for an unknown kind.
Tokeniser build_tokeniser(const RunConfig& config, const std::vector<SentencePair>& train);

}  // namespace sf::translator
