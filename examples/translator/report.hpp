// report.hpp: the pictures and the Markdown report of a training run, written by our own code.
//   loss.svg                  training loss per step and validation loss, against the step
//   validation.svg            validation exact match and BLEU, against the step
//   validation_bleu.svg       validation BLEU against the training time (minutes, added up across --resume)
//   attention_L<l>_H<h>.svg   cross-attention of decoder layer l, head h, for one sentence: which
//                             English word each French word looked at while it was produced
//   report.md                 the run's settings, results (the test set's too, when given), the final
//                             model (best or averaged) and sample translations, linking the above
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "examples/common/svg.hpp"
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
  std::string test_name;                                        // "held-out test set", ...
  std::vector<std::pair<std::string, std::string>> examples{};  // source, translation
  std::vector<std::string> attention_pictures{};
  std::string attention_sentence{};
  std::optional<EvalResult> test_set{};  // a test set scored after training (--test-src, --test-tgt)
  std::string test_set_name{};
};

/// The points of validation_bleu.svg: (training minutes, validation BLEU in percent) of each validation.
std::vector<std::pair<double, double>> validation_bleu_points(const std::vector<HistoryRow>& history);

/// validation_bleu.svg's chart of those points. ValueError if there are none.
svg::LineChart validation_bleu_chart(const std::vector<HistoryRow>& history);

/// Writes loss.svg, validation.svg, validation_bleu.svg and report.md into `dir`.
void write_report(const std::string& dir, const ReportContents& contents);

}  // namespace sf::translator
