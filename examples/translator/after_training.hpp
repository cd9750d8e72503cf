// after_training.hpp: what `translator train` does once training ends, outside the training time: it
// loads the final model (the best checkpoint, or the averaged one if it scored higher on validation),
// scores it on the run's own held-out pairs (the toy's test set, a file run's validation set), and on
// a test set if one is given (--test-src, --test-tgt: scored once here, never used for a choice),
// all decoded as the run's validation was (its stored beam and length penalty),
// translates a few sentences, draws the cross-attention of one sentence, and writes the report
// (report.hpp).
#pragma once

#include <iosfwd>
#include <string>

#include "examples/translator/evaluation.hpp"
#include "examples/translator/training.hpp"

namespace sf::translator {

/// The sentence drawn when no other is given: one of the toy grammar.
inline constexpr const char* kDefaultAttentionSentence = "The small black cats eat the red apples.";

struct AfterTrainingOptions {
  std::string out_dir = "runs/toy";
  std::string test_source{}, test_target{};  // a test set (both or neither)
  std::string attention_sentence{};          // "" = the first test sentence, else kDefaultAttentionSentence
  std::ostream* out = nullptr;               // standard output if null
};

/// Checks the options that can be checked before training (a test set needs both files, and both
/// must be readable with as many lines): ValueError or IOError naming the option and the file.
void check_after_training_options(const AfterTrainingOptions& options);

/// Scores, translates, draws and writes the report of the run `trained` in options.out_dir.
void after_training(const TrainResult& trained, const AfterTrainingOptions& options);

}  // namespace sf::translator
