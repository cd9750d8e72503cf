// main.cpp: the translator program.
//
//   translator train [options]             train (by default: the toy grammar, the small model;
//                                          real text: --src train.en --tgt train.fr --valid-src ...,
//                                          and a test set scored at the end: --test-src, --test-tgt)
//   translator translate [--run DIR] [sentence ...]   translate sentences (or standard input, one per line)
//   translator eval [--run DIR] [--src test.en --ref test.fr]   scores on a test set (or the run's own)
//   translator explore [--run DIR] "sentence"   an attention explorer page (explorer.hpp)
//   translator export --run DIR --out DIR2      the run's ids, batches and settings for a peer (exchange.hpp)
//   translator score --run DIR --hyp-ids FILE --ref FILE   a peer's translations scored as eval scores
//
// train, eval and translate decode the same way unless --beam says otherwise (greedy), and say which
// they used.
//
// `./run demo` runs `translator train` with its defaults: it trains for a few minutes, then reports
// the held-out exact match and BLEU, translates sentences the model never saw, and draws pictures.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/parallel/thread_pool.hpp"
#include "examples/translator/after_training.hpp"
#include "examples/translator/evaluation.hpp"
#include "examples/translator/exchange.hpp"
#include "examples/translator/explorer.hpp"
#include "examples/translator/options.hpp"
#include "examples/translator/parallel_files.hpp"
#include "examples/translator/report.hpp"
#include "examples/translator/run_options.hpp"
#include "examples/translator/trained_run.hpp"
#include "examples/translator/training.hpp"
#include "text/bleu.hpp"
#include "text/chrf.hpp"

namespace fs = std::filesystem;
using namespace sf;
using namespace sf::translator;

namespace {

/// Adds --help and --threads to `o` and parses `args`. Prints the help and returns false if it was
/// asked for; otherwise sets the number of threads and returns true.
bool parse_command_line(Options& o, const std::vector<std::string>& args) {
  o.add_flag("help", "show this help").add("threads", "N", "worker threads (default: every core)");
  if (!o.parse_unless_help(args)) return false;
  if (o.given("threads")) set_num_threads(o.integer("threads"));  // the whole value: its own bound check
  return true;
}

/// --run and --checkpoint: which trained model translate and eval load.
void add_trained_run_options(Options& o) {
  o.add("run", "DIR", "the training run's output directory", TrainOptions{}.out_dir)
      .add("checkpoint", "NAME", "best, latest, or averaged (a run with --average-last)", "best");
}

/// --beam and --length-penalty: the decoding every command uses and reports.
void add_decoding_options(Options& o) {
  o.add("beam", "N", "beam width (1 = greedy decoding, at most 64)", std::to_string(kDefaultBeam))
      .add("length-penalty", "A", "beam search length penalty α", "0.6");
}

/// The widest beam a command accepts.
constexpr std::int64_t kMaxBeam = 64;

std::int64_t read_beam(const Options& o) {
  const std::int64_t beam = o.integer("beam", 1);
  if (beam > kMaxBeam) fail<ValueError>("option --beam is ", beam, ", above the limit of ", kMaxBeam);
  return beam;
}

EvalOptions read_decoding_options(const Options& o, std::int64_t max_len) {
  return {.beam = read_beam(o), .length_penalty = o.number("length-penalty"), .max_len = max_len};
}

int train_command(const std::vector<std::string>& args) {
  Options o(
      "translator train [options]",
      "Trains an English → French Transformer: on sentences from the toy grammar (the default), on a file\n"
      "of pairs (--data), or on parallel files (--src, --tgt, with --valid-src and --valid-tgt), then\n"
      "evaluates it on held-out sentences, translates a few, and writes a report with pictures into the\n"
      "output directory. Real text uses a BPE tokeniser learned from the training text (--vocab-size).\n"
      "A test set given with --test-src and --test-tgt is scored once the training ends, with the final\n"
      "model (the best checkpoint, or the average of the last saves with --average-last if it is better on\n"
      "validation), outside the time budget; or score one later with `translator eval --src --ref`.");
  o.add("out", "DIR", "where checkpoints, the report and pictures go", TrainOptions{}.out_dir);
  add_run_options(o);
  add_decoding_options(o);
  o.add("test-src", "FILE",
        "a test set's English (e.g. test_2016_flickr.en), scored once after training with the final model")
      .add("test-tgt", "FILE", "its references (test_2016_flickr.fr)")
      .add("attention-sentence", "TEXT",
           std::string("sentence whose cross-attention is drawn (default: the first test sentence, or \"") +
               kDefaultAttentionSentence + "\")")
      .add_flag(
          "resume",
          "continue the run in --out with its stored settings; honours only --steps and --minutes (to "
          "extend it), --threads, --test-src, --test-tgt, --attention-sentence (the stored settings include "
          "--beam and --length-penalty: every validation of a run decodes the same way)")
      .add_flag("overwrite", "replace a run already in --out (without it, training there is refused)")
      .add("init-from", "FILE", "start from the weights of a safetensors file (one PyTorch wrote, say)");
  if (!parse_command_line(o, args)) return 0;
  const bool resume = o.flag("resume");
  if (resume)
    for (const std::string& name : o.given_names())
      if (name != "resume" && name != "out" && name != "steps" && name != "minutes" && name != "threads" &&
          name != "test-src" && name != "test-tgt" && name != "attention-sentence")
        fail<ValueError>("--", name,
                         " cannot be given with --resume: a resumed run keeps its stored settings "
                         "(only --steps and --minutes extend it)");
  RunConfig c = read_run_options(o);
  c.beam = read_beam(o);  // validation's decoding, stored with the run (and the test's after training)
  c.length_penalty = o.number("length-penalty");
  const std::string out = o.text("out");
  const AfterTrainingOptions after{.out_dir = out,
                                   .test_source = o.text("test-src"),
                                   .test_target = o.text("test-tgt"),
                                   .attention_sentence = o.text("attention-sentence")};
  check_after_training_options(after);  // a missing test file is found now, not after training

  const TrainResult trained = train(c, {.out_dir = out,
                                        .resume = resume,
                                        .overwrite = o.flag("overwrite"),
                                        .init_from = o.text("init-from"),
                                        .extend_steps = resume && o.given("steps") ? c.steps : 0,
                                        .extend_minutes = resume && o.given("minutes") ? c.minutes : -1});
  if (trained.diverged) return 1;
  if (trained.interrupted) return 130;

  after_training(trained, after);
  return 0;
}

int translate_command(const std::vector<std::string>& args) {
  Options o(
      "translator translate [--run DIR] [sentence ...]",
      "Translates each sentence given, or each line of standard input, with a trained run's best model.\n"
      "A sentence that cannot be translated (too long, invalid UTF-8) gets an error on standard error and\n"
      "an empty output line; the others are still translated, and the exit status is then 1.");
  add_trained_run_options(o);
  add_decoding_options(o);
  if (!parse_command_line(o, args)) return 0;
  read_beam(o);              // the options' errors before the run is loaded
  std::istringstream given;  // sentences on the command line, one per line
  for (const std::string& sentence : o.positional()) {
    if (sentence.find_first_not_of(" \t\r\n") == std::string::npos)
      fail<ValueError>("an empty sentence was given (\"", sentence, "\"): nothing to translate");
    given.str(given.str() + sentence + '\n');
  }
  TrainedRun run = load_trained_run(o.text("run"), o.text("checkpoint"));
  const EvalOptions options = read_decoding_options(o, run.config.max_len);
  std::cerr << "translator translate: " << describe_decoding(options) << '\n';
  std::istream& in = o.positional().empty() ? std::cin : given;
  const std::int64_t failed = translate_lines(*run.model, run.tokeniser, in, std::cout, std::cerr, options);
  return failed ? 1 : 0;
}

int eval_command(const std::vector<std::string>& args) {
  Options o(
      "translator eval [--run DIR] [--src test.en --ref test.fr | --data pairs.tsv]",
      "Evaluates a trained run on a test set, every line of it: loss, exact match and scores (a BPE run:\n"
      "BLEU as sacreBLEU computes it by default, cased and lowercased, and chrF2, on the detokenised\n"
      "translations against the raw references). Lines with the same English sentence are one sentence\n"
      "with several references. Without a test set: the run's own held-out (or validation) pairs.");
  add_trained_run_options(o);
  o.add("src", "FILE", "English sentences, one per line (e.g. Multi30k's test_2016_flickr.en)")
      .add("ref", "FILE", "their reference translations, line by line")
      .add("data", "FILE", "or: pairs 'english<TAB>french' per line")
      .add("output", "FILE", "also write the translations there, one per distinct English sentence");
  add_decoding_options(o);
  if (!parse_command_line(o, args)) return 0;
  read_beam(o);
  if (o.given("src") != o.given("ref")) fail<ValueError>("--src and --ref go together");
  if (o.given("src") && o.given("data")) fail<ValueError>("give either --src and --ref, or --data");
  TrainedRun run = load_trained_run(o.text("run"), o.text("checkpoint"));
  std::vector<SentencePair> pairs;
  std::string name = "evaluation";
  if (o.given("src")) {
    pairs = read_parallel_files(o.text("src"), o.text("ref"));
    name = o.text("src") + " → " + o.text("ref");
  } else {
    RunConfig data_config = run.config;
    if (o.given("data")) {
      data_config = RunConfig{.data_path = o.text("data"), .validation_fraction = 1.0};  // every pair
      name = o.text("data");
    }
    pairs = load_run_data(data_config).test;
  }
  const EvalResult r =
      evaluate(*run.model, pairs, run.tokeniser, read_decoding_options(o, run.config.max_len));
  std::cout << format_result(name, r, run.config.max_len);
  if (r.too_long)
    std::cerr << "translator eval: " << r.too_long << " sentences over the limit of " << run.config.max_len
              << " tokens (--max-len) were scored as empty translations\n";
  if (o.given("output")) {
    std::ofstream file(o.text("output"));
    for (const std::string& h : r.hypotheses) file << h << '\n';
    if (!file) fail<IOError>("cannot write ", o.text("output"));
  }
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
    if (command == "export") return export_command(rest);
    if (command == "score") return score_command(rest);
    std::cout << "usage: translator <command> [options]\n\n"
                 "  train       train a translator (default: the toy English → French grammar)\n"
                 "  translate   translate sentences with a trained run\n"
                 "  eval        evaluate a trained run on its held-out sentences\n"
                 "  explore     write an attention explorer (one HTML page) for a sentence\n"
                 "  export      write a run's ids, batches and settings for a peer (PyTorch)\n"
                 "  score       score translations given as ids, as eval scores\n\n"
                 "translator <command> --help lists a command's options.\n";
    return command == "help" || command == "--help" ? 0 : 2;
  } catch (const std::exception& e) {
    std::cerr << "translator " << command << ": " << e.what() << '\n';
    return 1;
  }
}
