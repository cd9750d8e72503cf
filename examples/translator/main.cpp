// main.cpp: the translator program.
//
//   translator train [options]             train (by default: the toy grammar, the small model)
//   translator translate [--run DIR] [sentence ...]   translate sentences (or standard input, one per line)
//   translator eval [--run DIR]            loss, exact match and BLEU on the run's held-out set
//   translator explore [--run DIR] "sentence"   an attention explorer page (explorer.hpp)
//
// `./run demo` runs `translator train` with its defaults: it trains for a few minutes, then reports
// the held-out exact match and BLEU, translates sentences the model never saw, and draws pictures.
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/parallel/thread_pool.hpp"
#include "examples/translator/evaluation.hpp"
#include "examples/translator/explorer.hpp"
#include "examples/translator/options.hpp"
#include "examples/translator/report.hpp"
#include "examples/translator/run_options.hpp"
#include "examples/translator/trained_run.hpp"
#include "examples/translator/training.hpp"

namespace fs = std::filesystem;
using namespace sf;
using namespace sf::translator;

namespace {

const char* kDefaultAttentionSentence = "The small black cats eat the red apples.";

/// Adds --help and --threads to `o` and parses `args`. Prints the help and returns false if it was
/// asked for; otherwise sets the number of threads and returns true.
bool parse_command_line(Options& o, const std::vector<std::string>& args) {
  o.add_flag("help", "show this help").add("threads", "N", "worker threads (default: every core)");
  o.parse(args);
  if (o.flag("help")) {
    std::cout << o.help();
    return false;
  }
  if (o.given("threads")) set_num_threads(static_cast<int>(o.integer("threads", 1)));
  return true;
}

/// --run and --checkpoint: which trained model translate and eval load.
void add_trained_run_options(Options& o) {
  o.add("run", "DIR", "the training run's output directory", TrainOptions{}.out_dir)
      .add("checkpoint", "NAME", "best or latest", "best");
}

void print_result(const char* name, const EvalResult& r) {
  std::cout << std::fixed << std::setprecision(1) << name << ": " << r.sentences << " sentences, exact match "
            << 100 * r.exact_match << "%, BLEU " << 100 * r.bleu.bleu << ", loss " << std::setprecision(3)
            << r.loss << std::defaultfloat << '\n';
}

int train_command(const std::vector<std::string>& args) {
  Options o(
      "translator train [options]",
      "Trains an English → French Transformer: on sentences from the toy grammar (the default) or on a file\n"
      "of pairs (--data), then evaluates it on held-out sentences, translates a few, and writes a report\n"
      "with pictures into the output directory.");
  o.add("out", "DIR", "where checkpoints, the report and pictures go", TrainOptions{}.out_dir);
  add_run_options(o);
  o.add("attention-sentence", "TEXT", "sentence whose cross-attention is drawn", kDefaultAttentionSentence)
      .add_flag("resume", "continue the run in --out from its latest checkpoint");
  if (!parse_command_line(o, args)) return 0;
  const RunConfig c = read_run_options(o);
  const std::string out = o.text("out");

  const TrainResult trained = train(c, {.out_dir = out, .resume = o.flag("resume")});
  if (trained.diverged) return 1;
  if (trained.interrupted) return 130;

  // Judge the best checkpoint on sentences it never saw.
  TrainedRun run = load_trained_run(out, "best");
  const RunData data = load_run_data(run.config);
  const EvalResult test = evaluate(*run.model, data.test, run.vocabs, {.max_len = run.config.max_len});
  const bool toy = run.config.data_path.empty();
  std::cout << '\n';
  print_result(toy ? "held-out test set (unseen word combinations)" : "validation set", test);
  std::cout << std::fixed << std::setprecision(0) << "training: " << trained.steps << " steps in "
            << trained.train_seconds << " s, " << trained.tokens_per_second << " target tokens per second\n"
            << std::defaultfloat;
  ReportContents report{run.config,
                        data.description,
                        trained,
                        test,
                        toy ? "held-out test set" : "validation set",
                        {},
                        {},
                        o.text("attention-sentence")};
  std::cout << "\ntranslations of sentences it never saw:\n";
  for (std::size_t i : first_distinct_sources(data.test, 6)) {
    report.examples.emplace_back(data.test[i].source, test.hypotheses[i]);
    std::cout << "  " << data.test[i].source << "\n    → " << test.hypotheses[i] << '\n';
  }
  report.attention_pictures = draw_cross_attention(*run.model, run.vocabs, report.attention_sentence, out);
  write_report(out, report);
  std::cout << "\ncheckpoints: " << out << "/best and " << out
            << "/latest (model.safetensors opens in PyTorch)\n"
            << "report:      " << out << "/report.md (curves: loss.svg, validation.svg; cross-attention: "
            << report.attention_pictures.size() << " pictures)\n"
            << "try:         build/release/examples/translator/translator translate --run " << out << " \""
            << (toy || data.test.empty() ? std::string("the small cats are not happy.")
                                         : data.test.front().source)
            << "\"\n";
  return 0;
}

int translate_command(const std::vector<std::string>& args) {
  Options o(
      "translator translate [--run DIR] [sentence ...]",
      "Translates each sentence given, or each line of standard input, with a trained run's best model.");
  add_trained_run_options(o);
  o.add("beam", "N", "beam width (1 = greedy)", "4")
      .add("length-penalty", "A", "beam search length penalty α", "0.6");
  if (!parse_command_line(o, args)) return 0;
  TrainedRun run = load_trained_run(o.text("run"), o.text("checkpoint"));
  const EvalOptions options{.beam = o.integer("beam", 1),
                            .length_penalty = o.number("length-penalty"),
                            .max_len = run.config.max_len};
  auto one = [&](const std::string& sentence) {
    std::cout << translate_text(*run.model, run.vocabs, sentence, options) << '\n';
  };
  if (!o.positional().empty()) {
    for (const std::string& s : o.positional()) one(s);
  } else {
    for (std::string line; std::getline(std::cin, line);)
      if (!line.empty()) one(line);
  }
  return 0;
}

int eval_command(const std::vector<std::string>& args) {
  Options o("translator eval [--run DIR]",
            "Evaluates a trained run: loss, exact match and BLEU on its held-out sentences (or on --data).");
  add_trained_run_options(o);
  o.add("data", "FILE", "evaluate on these pairs instead (english<TAB>french per line)")
      .add("beam", "N", "beam width (1 = greedy)", "1");
  if (!parse_command_line(o, args)) return 0;
  TrainedRun run = load_trained_run(o.text("run"), o.text("checkpoint"));
  RunConfig data_config = run.config;
  if (o.given("data")) {
    data_config.data_path = o.text("data");
    data_config.validation_fraction = 1.0;  // every pair of the file is evaluated
  }
  const RunData data = load_run_data(data_config);
  const auto& pairs = o.given("data") || !run.config.data_path.empty() ? data.validation : data.test;
  print_result("evaluation", evaluate(*run.model, pairs, run.vocabs,
                                      {.beam = o.integer("beam", 1), .max_len = run.config.max_len}));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::string command = args.empty() ? "help" : args[0];
  const std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  try {
    if (command == "train") return train_command(rest);
    if (command == "translate") return translate_command(rest);
    if (command == "eval") return eval_command(rest);
    if (command == "explore") return explore_command(rest);
    std::cout << "usage: translator <command> [options]\n\n"
                 "  train       train a translator (default: the toy English → French grammar)\n"
                 "  translate   translate sentences with a trained run\n"
                 "  eval        evaluate a trained run on its held-out sentences\n"
                 "  explore     write an attention explorer (one HTML page) for a sentence\n\n"
                 "translator <command> --help lists a command's options.\n";
    return command == "help" || command == "--help" ? 0 : 2;
  } catch (const std::exception& e) {
    std::cerr << "translator " << command << ": " << e.what() << '\n';
    return 1;
  }
}
