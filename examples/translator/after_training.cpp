// after_training.cpp: the scores, translations, pictures and report at the end of training (see
// after_training.hpp).
#include "examples/translator/after_training.hpp"

#include <iomanip>
#include <iostream>

#include "core/error.hpp"
#include "examples/translator/parallel_files.hpp"
#include "examples/translator/report.hpp"
#include "examples/translator/trained_run.hpp"

namespace sf::translator {

void check_after_training_options(const AfterTrainingOptions& o) {
  if (o.test_source.empty() != o.test_target.empty())
    fail<ValueError>("a test set needs both --test-src and --test-tgt");
  if (o.test_source.empty()) return;
  try {
    read_parallel_files(o.test_source, o.test_target);  // readable, and lined up
  } catch (const IOError& e) {
    fail<IOError>("the test set (--test-src, --test-tgt): ", e.what());
  } catch (const ValueError& e) {
    fail<ValueError>("the test set (--test-src, --test-tgt): ", e.what());
  }
}

void after_training(const TrainResult& trained, const AfterTrainingOptions& o) {
  std::ostream& out = o.out ? *o.out : std::cout;
  const std::string& dir = o.out_dir;
  TrainedRun run = load_trained_run(dir, trained.final_checkpoint);
  const RunData data = load_run_data(run.config);
  const EvalOptions decoding{
      .beam = run.config.beam, .length_penalty = run.config.length_penalty, .max_len = run.config.max_len};
  const EvalResult held_out = evaluate(*run.model, data.test, run.tokeniser, decoding);
  const bool toy = !run.config.uses_files();
  out << '\n'
      << format_result(toy ? "held-out test set (unseen word combinations)" : "validation set", held_out,
                       run.config.max_len);
  out << std::fixed << std::setprecision(0) << "training: " << trained.steps << " steps in "
      << trained.train_seconds << " s, " << trained.tokens_per_second << " target tokens per second\n"
      << std::defaultfloat;

  ReportContents report{.config = run.config,
                        .data_description = data.description,
                        .training = trained,
                        .test = held_out,
                        .test_name = toy ? "held-out test set" : "validation set"};
  std::vector<SentencePair> test_pairs;
  if (!o.test_source.empty()) {
    test_pairs = read_parallel_files(o.test_source, o.test_target);
    report.test_set = evaluate(*run.model, test_pairs, run.tokeniser, decoding);
    report.test_set_name = o.test_source + " → " + o.test_target;
    out << '\n' << format_result(report.test_set_name, *report.test_set, run.config.max_len);
  }
  const EvalResult& shown = report.test_set ? *report.test_set : held_out;
  out << "\ntranslations of sentences it never saw:\n";
  for (std::size_t i : first_distinct_sources(shown.translated_pairs(), 6)) {
    report.examples.emplace_back(shown.sources[i], shown.hypotheses[i]);
    out << "  " << shown.sources[i] << "\n    → " << shown.hypotheses[i] << '\n';
  }
  report.attention_sentence = !o.attention_sentence.empty() ? o.attention_sentence
                              : !test_pairs.empty()         ? test_pairs.front().source
                                                            : std::string(kDefaultAttentionSentence);
  report.attention_pictures = draw_cross_attention(*run.model, run.tokeniser, report.attention_sentence, dir);
  write_report(dir, report);
  out << "\ncheckpoints: " << dir << "/best and " << dir << "/latest (model.safetensors opens in PyTorch)\n";
  if (trained.averaged_score >= 0)
    out << "             " << dir << "/averaged; the final model is " << dir << '/'
        << trained.final_checkpoint << '\n';
  out << "report:      " << dir
      << "/report.md (curves: loss.svg, validation.svg, validation_bleu.svg; cross-attention: "
      << report.attention_pictures.size() << " pictures)\n"
      << "try:         build/release/examples/translator/translator translate --run " << dir
      << (trained.final_checkpoint == "best" ? "" : " --checkpoint " + trained.final_checkpoint) << " \""
      << (toy || data.test.empty() ? std::string("the small cats are not happy.") : data.test.front().source)
      << "\"\n";
}

}  // namespace sf::translator
