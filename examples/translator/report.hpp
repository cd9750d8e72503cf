// report.hpp: the pictures and the Markdown report of a training run, written by our own code.
//   loss.svg                  training loss per step and validation loss, against the step
//   validation.svg            validation exact match and BLEU, against the step
//   attention_L<l>_H<h>.svg   cross-attention of decoder layer l, head h, for one sentence: which
//                             English word each French word looked at while it was produced
//   report.md                 the run's settings, results and sample translations, linking the above
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "examples/translator/evaluation.hpp"
#include "examples/translator/training.hpp"

namespace sf::translator {

/// Draws the cross-attention of every decoder layer and head for `sentence` as the model translates
/// it (greedy). Returns the file names written into `dir`.
std::vector<std::string> draw_cross_attention(const nn::Transformer& model, const Tokeniser& tokeniser,
                                              const std::string& sentence, const std::string& dir);

struct ReportContents {
  RunConfig config;
  std::string data_description;
  TrainResult training;
  EvalResult test;
  std::string test_name;                                      // "held-out test set", ...
  std::vector<std::pair<std::string, std::string>> examples;  // source, translation
  std::vector<std::string> attention_pictures;
  std::string attention_sentence;
};

/// Writes loss.svg, validation.svg and report.md into `dir`.
void write_report(const std::string& dir, const ReportContents& contents);

}  // namespace sf::translator
