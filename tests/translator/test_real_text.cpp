// Tests for the translator's real-text path (issue 19): parallel files in, a BPE tokeniser saved with
// the run, a test set with several references scored with sacreBLEU's BLEU and chrF, and translation of
// standard input that goes on after a line it cannot translate. The corpus is synthetic and the test's
// own (the toy grammar's sentences, written as Multi30k-style files), the model tiny, the run a few steps.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "examples/translator/dataset.hpp"
#include "examples/translator/evaluation.hpp"
#include "examples/translator/parallel_files.hpp"
#include "examples/translator/run_options.hpp"
#include "examples/translator/trained_run.hpp"
#include "examples/translator/training.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::translator;
namespace fs = std::filesystem;
using sf::test::write_lines;

namespace {

fs::path scratch(const char* name) {
  // One per process: two builds may run these tests at the same time.
  const auto dir = fs::temp_directory_path() / (name + std::string("-") + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// train.en/.fr (300 pairs), val.en/.fr (20) and test.en/.fr (8 pairs, 5 distinct English sentences: three
/// of them twice, with a second reference that differs from the first).
void write_corpus(const fs::path& dir) {
  const Dataset d = make_dataset({.seed = 7, .train_size = 300, .validation_size = 20, .test_size = 5});
  auto write = [&](const std::string& name, const std::vector<SentencePair>& pairs) {
    std::vector<std::string> en, fr;
    for (const SentencePair& p : pairs) {
      en.push_back(p.source);
      fr.push_back(p.target);
    }
    write_lines(dir / (name + ".en"), en);
    write_lines(dir / (name + ".fr"), fr);
  };
  write("train", d.train);
  write("val", d.validation);
  std::vector<SentencePair> test = d.test;
  for (std::size_t i = 0; i < 3; ++i)
    test.push_back({d.test[i].source, "Une autre traduction : " + d.test[i].target});
  write("test", test);
}

}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE("real text: the command line's files make a bpe run with a longer max_len") {
    Options o("translator train [options]", "Trains a model.");
    add_run_options(o);
    o.parse({"--src", "a.en", "--tgt", "a.fr", "--valid-src", "v.en", "--valid-tgt", "v.fr", "--vocab-size",
             "500"});
    const RunConfig c = read_run_options(o);
    CHECK(c.tokeniser == "bpe");
    CHECK(c.max_len == kBpeMaxLen);
    CHECK(c.vocab_size == 500);
    CHECK(c.valid_target_path == "v.fr");
    RunConfig stored = c;
    stored.resolve_sizes();  // as training stores it: a checkpoint's sizes are never 0
    const RunConfig back = RunConfig::from_metadata(stored.to_metadata());
    CHECK(back.heads == 4);
    CHECK(back.tokeniser == "bpe");
    CHECK(back.source_path == "a.en");
    Options toy("translator train [options]", "Trains a model.");
    add_run_options(toy);
    toy.parse({});
    CHECK(read_run_options(toy).tokeniser == "words");  // the toy demo keeps its word vocabulary
    CHECK(read_run_options(toy).max_len == RunConfig{}.max_len);
    CHECK(o.help().find("--valid-tgt FILE") != std::string::npos);
  }

  TEST_CASE("real text: files that do not line up, or half a pair of paths, are clear errors") {
    const fs::path dir = scratch("sf_translator_files");
    write_lines(dir / "a.en", {"One.", "Two."});
    write_lines(dir / "a.fr", {"Un."});
    CHECK_THROWS_WITH_AS(read_parallel_files((dir / "a.en").string(), (dir / "a.fr").string()),
                         doctest::Contains("has 2 lines but"), ValueError);
    RunConfig c;
    c.source_path = (dir / "a.en").string();
    CHECK_THROWS_WITH_AS(load_run_data(c), doctest::Contains("needs its translations (--tgt)"), ValueError);
    fs::remove_all(dir);
  }

  TEST_CASE("real text: train on files, score a test set with several references, translate stdin") {
    const fs::path dir = scratch("sf_translator_real_text");
    write_corpus(dir);
    RunConfig c;
    c.source_path = (dir / "train.en").string();
    c.target_path = (dir / "train.fr").string();
    c.valid_source_path = (dir / "val.en").string();
    c.valid_target_path = (dir / "val.fr").string();
    c.tokeniser = "bpe";
    c.vocab_size = 400;
    c.max_len = 40;
    c.d_model = 16;
    c.heads = 2;
    c.d_ff = 32;
    c.layers = 1;
    c.steps = 4;
    c.batch_size = 32;
    c.warmup = 2;
    c.eval_every = 2;
    const std::string out = (dir / "run").string();
    std::ostringstream log;
    const TrainResult trained = train(c, {.out_dir = out, .out = &log});
    CHECK(trained.steps == 4);
    CHECK(log.str().find("tokeniser: BPE learned from both languages, 400 pieces") != std::string::npos);
    CHECK(log.str().find("(20 sentences, greedy decoding)") != std::string::npos);  // validation: val.* only
    CHECK(fs::exists(dir / "run" / "tokeniser.bpe"));
    CHECK_FALSE(fs::exists(dir / "run" / "vocab.source.txt"));

    std::ostringstream resumed;  // --resume loads the tokeniser back (nothing left to do: 4 of 4 steps)
    CHECK(train(c, {.out_dir = out, .resume = true, .out = &resumed}).steps == 4);
    CHECK(resumed.str().find("resuming at step 4") != std::string::npos);

    TrainedRun run = load_trained_run(out, "best");
    REQUIRE(run.tokeniser.is_bpe());
    CHECK(run.tokeniser.source_size() == 400);
    CHECK(run.model->config().source_vocab == 400);
    CHECK(run.model->config().max_len == 40);

    // eval --src test.en --ref test.fr: every line, the same English sentence's references grouped.
    const std::vector<SentencePair> test =
        read_parallel_files((dir / "test.en").string(), (dir / "test.fr").string());
    REQUIRE(test.size() == 8);
    const EvalResult r = evaluate(*run.model, test, run.tokeniser, {.max_len = run.config.max_len});
    CHECK(r.text_scores);
    CHECK(r.sentences == 5);
    CHECK(r.references == 8);
    CHECK(r.hypotheses.size() == 5);
    CHECK(r.bleu.refs == -1);  // two references for three sentences, one for the others
    CHECK(r.chrf.refs == -1);
    const std::string report = format_result("test", r, run.config.max_len);
    CHECK(report.find("test: 5 sentences, 8 references, greedy decoding") != std::string::npos);
    CHECK(report.find("BLEU|nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp = ") != std::string::npos);
    CHECK(report.find("BLEU|nrefs:var|case:lc|eff:no|tok:13a|smooth:exp = ") != std::string::npos);
    CHECK(report.find("chrF2|nrefs:var|case:mixed|eff:yes|nc:6|nw:0|space:no = ") != std::string::npos);

    // translate, reading standard input: a line over the limit gets an error, the lines after it are
    // still translated, each output line answering its input line.
    std::string too_long;
    for (int i = 0; i < 50; ++i) too_long += "cat ";
    std::istringstream in(test[0].source + "\n" + too_long + "\n" + test[1].source + "\n");
    std::ostringstream translations, errors;
    const std::int64_t failed =
        translate_lines(*run.model, run.tokeniser, in, translations, errors, {.max_len = run.config.max_len});
    CHECK(failed == 1);
    CHECK(errors.str().find("line 2: the sentence is ") != std::string::npos);
    CHECK(errors.str().find("over this run's limit of 40 (set by --max-len when training)") !=
          std::string::npos);
    std::vector<std::string> lines;
    std::istringstream produced(translations.str());
    for (std::string line; std::getline(produced, line);) lines.push_back(line);
    REQUIRE(lines.size() == 3);
    CHECK(lines[1].empty());
    CHECK(lines[0] == r.hypotheses[0]);  // the same decoding as eval's

    // A damaged tokeniser file is found on load, not used.
    std::ofstream(dir / "run" / "tokeniser.bpe", std::ios::app) << "x\n";
    CHECK_THROWS_AS(load_trained_run(out, "best"), IOError);
    fs::remove_all(dir);
  }
}
