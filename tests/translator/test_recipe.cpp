// Tests for issue 20's recipe in the translator: batches by tokens, the decoding limit tied to the source,
// validation BLEU against training time, checkpoint averaging, the test table at the end, and their
// options. Tiny models on tiny toy data: each run is a few steps.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/io/safetensors.hpp"
#include "examples/translator/after_training.hpp"
#include "examples/translator/averaging.hpp"
#include "examples/translator/dataset.hpp"
#include "examples/translator/options.hpp"
#include "examples/translator/report.hpp"
#include "examples/translator/run_options.hpp"
#include "examples/translator/trained_run.hpp"
#include "examples/translator/training.hpp"
#include "optim/checkpoint.hpp"
#include "support.hpp"
#include "svg_checks.hpp"
#include "tiny_run.hpp"
#include "translator_program.hpp"

using namespace sf;
using namespace sf::translator;
using sf::test::file_contents;
using sf::test::message_of;
using sf::test::TempDir;
using sf::test::write_lines;
using translator_tests::tiny_run;

namespace {

/// train.en/.fr (300 toy pairs), val.en/.fr (20) and test.en/.fr (12) in `dir`, and a run on them with a
/// word vocabulary (the quickest to build).
RunConfig file_run(const TempDir& dir) {
  const Dataset d = make_dataset({.seed = 3, .train_size = 300, .validation_size = 20, .test_size = 12});
  for (const auto& [name, pairs] : {std::pair{"train", d.train}, {"val", d.validation}, {"test", d.test}}) {
    std::vector<std::string> en, fr;
    for (const SentencePair& p : pairs) {
      en.push_back(p.source);
      fr.push_back(p.target);
    }
    write_lines(dir / (std::string(name) + ".en"), en);
    write_lines(dir / (std::string(name) + ".fr"), fr);
  }
  RunConfig c = tiny_run(2);
  c.source_path = dir / "train.en";
  c.target_path = dir / "train.fr";
  c.valid_source_path = dir / "val.en";
  c.valid_target_path = dir / "val.fr";
  return c;
}

RunConfig read_options(const std::vector<std::string>& args) {
  Options o("translator train [options]", "Trains a model.");
  add_run_options(o);
  o.parse(args);
  return read_run_options(o);
}

}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE("--batch-tokens: read, bounded, stored in the checkpoint, kept by --resume") {
    CHECK(read_options({}).batch_tokens == 0);  // the toy demo's default: batches of --batch-size sentences
    CHECK(read_options({"--batch-tokens", "1500"}).batch_tokens == 1500);
    CHECK(message_of<ValueError>([] {
            read_options({"--batch-tokens", "99999999"});
          }) == "run setting 'batch_tokens' (--batch-tokens) is 99999999, outside 0 to 10000000");
    CHECK(message_of<ValueError>([] {
            read_options({"--batch-tokens", "many"});
          }).find("--batch-tokens") != std::string::npos);
    Options o("translator train [options]", "Trains a model.");
    add_run_options(o);
    CHECK(o.help().find("--batch-tokens N") != std::string::npos);

    TempDir dir;
    RunConfig c = tiny_run(2);
    c.batch_tokens = 200;
    std::ostringstream log;
    CHECK(train(c, {.out_dir = dir / "run", .out = &log}).steps == 6);
    const optim::Metadata stored = optim::read_checkpoint_metadata(dir / "run/latest");
    CHECK(stored.at("run.batch_tokens") == "200");
    RunConfig more = tiny_run(2);  // --resume ignores the command line's settings: the stored ones count
    CHECK(train(more, {.out_dir = dir / "run", .resume = true, .extend_steps = 8, .out = &log}).steps == 8);
    CHECK(optim::read_checkpoint_metadata(dir / "run/latest").at("run.batch_tokens") == "200");

    optim::Metadata older = stored;  // a run saved before --batch-tokens existed batched by sentences
    older.erase("run.batch_tokens");
    CHECK(RunConfig::from_metadata(older).batch_tokens == 0);
  }

  TEST_CASE("a run stores the decoding its validations use, and a resumed run validates the same way") {
    // The best checkpoint is the one with the highest validation BLEU: a second piece that decoded
    // greedily would compare its greedy scores with the first piece's beam-search ones.
    TempDir dir;
    RunConfig c = file_run(dir);
    c.tokeniser = "bpe";  // a bpe run's validation line names its decoding
    c.vocab_size = 400;
    c.max_len = 40;
    c.beam = 2;
    c.length_penalty = 0.5;
    std::ostringstream first, second;
    train(c, {.out_dir = dir / "run", .out = &first});
    const optim::Metadata stored = optim::read_checkpoint_metadata(dir / "run/latest");
    CHECK(stored.at("run.beam") == "2");
    CHECK(stored.at("run.length_penalty") == "0.5");
    const std::string decoding = "beam search (width 2, length penalty 0.5)";
    CHECK(first.str().find(decoding) != std::string::npos);
    train(file_run(dir), {.out_dir = dir / "run", .resume = true, .extend_steps = 8, .out = &second});
    CHECK(second.str().find("\nstep 8 (") != std::string::npos);
    CHECK(second.str().find(decoding) != std::string::npos);
    CHECK(second.str().find("greedy decoding") == std::string::npos);

    optim::Metadata older = stored;  // a run saved before the decoding was stored validated greedily
    older.erase("run.beam");
    older.erase("run.length_penalty");
    CHECK(RunConfig::from_metadata(older).beam == 1);
  }

  TEST_CASE(
      "validation as training goes: the step, the training time, loss and BLEU; the history keeps them") {
    TempDir dir;
    const RunConfig c = file_run(dir);
    std::ostringstream log;
    const TrainResult first = train(c, {.out_dir = dir / "run", .out = &log});
    CHECK(log.str().find("\nstep 2 (") != std::string::npos);
    CHECK(log.str().find(" s of training, ") != std::string::npos);
    CHECK(log.str().find(" s in all): validation loss ") != std::string::npos);
    CHECK(log.str().find("%, BLEU ") != std::string::npos);
    std::vector<double> seconds;
    for (const HistoryRow& r : read_history(dir / "run/history.tsv"))
      if (r.validated) seconds.push_back(r.train_seconds);
    REQUIRE(seconds.size() == 3);  // steps 2, 4 and 6
    CHECK(seconds[0] > 0);
    CHECK(seconds[1] >= seconds[0]);
    CHECK(seconds[2] == first.train_seconds);
    CHECK(first.elapsed_seconds >= first.train_seconds);

    // --resume: the training time adds up across pieces, in the history and in the result.
    const TrainResult second =
        train(c, {.out_dir = dir / "run", .resume = true, .extend_steps = 8, .out = &log});
    const std::vector<HistoryRow> history = read_history(dir / "run/history.tsv");
    REQUIRE(history.size() == 8);
    CHECK(history[5].train_seconds == seconds[2]);  // step 6, from the first piece
    CHECK(history[7].train_seconds > seconds[2]);
    CHECK(history[7].train_seconds == second.train_seconds);
    CHECK(second.elapsed_seconds > first.elapsed_seconds);

    // A history written before the training time was kept still reads (its times are 0).
    write_lines(dir / "old.tsv", {"step\ttrain_loss\tlr\tval_loss\tval_exact_match\tval_bleu",
                                  "1\t2.5\t0.001", "2\t2.0\t0.002\t1.5\t0.25\t0.125"});
    const std::vector<HistoryRow> old = read_history(dir / "old.tsv");
    REQUIRE(old.size() == 2);
    CHECK(old[1].validated);
    CHECK(old[1].val_bleu == 0.125);
    CHECK(old[1].train_seconds == 0);
  }

  TEST_CASE(
      "the best checkpoint: by validation BLEU for a run on files, by exact match for the toy grammar") {
    EvalResult r;
    r.bleu.score = 40;
    r.exact_match = 0.1;
    RunConfig toy;
    CHECK(selection_score(toy, r) == 0.1);
    RunConfig files;
    files.source_path = "train.en";
    files.tokeniser = "words";  // whatever the tokeniser
    CHECK(selection_score(files, r) == 0.4);
  }

  TEST_CASE("checkpoint averaging: three known snapshots give their mean; a damaged one is a clear error") {
    TempDir dir;
    auto snapshot = [&](const std::string& name, double scale) {
      save_safetensors(dir / name, {{"w", tensor({1 * scale, 2 * scale, 3 * scale, 4 * scale}, {2, 2})},
                                    {"b", tensor({scale, -scale}, {2}, {.dtype = kFloat64})}});
      return dir / name;
    };
    const std::vector<std::string> paths = {snapshot("a.safetensors", 1), snapshot("b.safetensors", 2),
                                            snapshot("c.safetensors", 6)};
    const nn::StateDict mean = average_snapshots(paths);  // (1 + 2 + 6) / 3 = 3 times the pattern
    REQUIRE(mean.size() == 2);
    CHECK(mean.at("w").to_vector<double>() == std::vector<double>{3, 6, 9, 12});
    CHECK(mean.at("w").dtype() == kFloat32);
    CHECK(mean.at("b").to_vector<double>() == std::vector<double>{3, -3});
    CHECK(mean.at("b").dtype() == kFloat64);

    {  // one byte of c's data flipped: its checksum no longer matches
      std::fstream f(paths[2], std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(-3, std::ios::end);
      char byte = 0;
      f.get(byte);
      f.seekp(-3, std::ios::end);
      f.put(static_cast<char>(byte ^ 0x10));
    }
    const std::string damaged = message_of<IOError>([&] { average_snapshots(paths); });
    CHECK(damaged.find("checkpoint averaging: the snapshot " + paths[2] + " cannot be used: ") == 0);
    save_safetensors(dir / "d.safetensors", {{"w", tensor({1, 2}, {2})}, {"b", tensor({1, 2}, {2})}});
    CHECK(message_of<IOError>([&] {
            average_snapshots({paths[0], dir / "d.safetensors"});
          }).find("the tensor 'w' is [2] in " + dir / "d.safetensors" + " but [2, 2] in " + paths[0]) !=
          std::string::npos);
    CHECK(message_of<IOError>([&] {
            average_snapshots({paths[0], dir / "missing.safetensors"});
          }).find("the snapshot " + dir / "missing.safetensors" + " cannot be used") != std::string::npos);
    CHECK_THROWS_AS(average_snapshots({}), ValueError);
  }

  TEST_CASE(
      "--average-last: the last N validation saves kept on disk, averaged at the end, the better model "
      "final") {
    CHECK(read_options({"--average-last", "5"}).average_last == 5);
    CHECK(message_of<ValueError>([] {
            read_options({"--average-last", "101"});
          }) == "run setting 'average_last' (--average-last) is 101, outside 0 to 100");
    CHECK(message_of<ValueError>([] {
            read_options({"--average-last", "-1"});
          }).find("--average-last") != std::string::npos);

    TempDir dir;
    RunConfig c = file_run(dir);
    c.average_last = 3;
    const std::string out = dir / "run";
    std::ostringstream log;
    const TrainResult r = train(c, {.out_dir = out, .out = &log});
    const RunDirectory run(out);
    REQUIRE(run.snapshots().size() == 3);  // steps 2, 4, 6: all three
    CHECK(r.averaged_steps == std::vector<std::int64_t>{2, 4, 6});
    CHECK(log.str().find("averaged the last 3 validation saves (steps 2, 4, 6): validation loss ") !=
          std::string::npos);
    CHECK(log.str().find("\nfinal model: " + r.final_checkpoint + " (validation BLEU: averaged ") !=
          std::string::npos);
    CHECK(r.averaged_score >= 0);
    CHECK(r.final_checkpoint == (r.averaged_score > r.best_score ? "averaged" : "best"));
    const TrainedRun averaged = load_trained_run(out, "averaged");  // a checkpoint translate and eval load
    CHECK(averaged.config.average_last == 3);
    CHECK(optim::read_checkpoint_metadata(out + "/averaged").at("averaged.steps") == "2, 4, 6");

    // A snapshot newer than latest/ (a kill between the two saves) is dropped on --resume; afterwards
    // only the last 3 are kept.
    std::filesystem::copy_file(run.snapshots().back(), out + "/snapshots/step-000000007.safetensors");
    const TrainResult more = train(c, {.out_dir = out, .resume = true, .extend_steps = 10, .out = &log});
    CHECK(more.averaged_steps == std::vector<std::int64_t>{6, 8, 10});
    std::vector<std::string> names;
    for (const std::string& p : run.snapshots())
      names.push_back(std::filesystem::path(p).filename().string());
    CHECK(names == std::vector<std::string>{"step-000000006.safetensors", "step-000000008.safetensors",
                                            "step-000000010.safetensors"});

    // Without --average-last: no snapshots, the best model is final; --overwrite removes the old ones.
    RunConfig off = tiny_run(2);
    std::ostringstream quiet;
    const TrainResult plain = train(off, {.out_dir = out, .overwrite = true, .out = &quiet});
    CHECK(plain.final_checkpoint == "best");
    CHECK(plain.averaged_score == -1);
    CHECK_FALSE(std::filesystem::exists(out + "/snapshots"));
    CHECK_FALSE(std::filesystem::exists(out + "/averaged"));

    RunConfig once = tiny_run(2);  // one validation save: nothing to average
    once.steps = 2;
    once.average_last = 3;
    std::ostringstream single;
    CHECK(train(once, {.out_dir = dir / "once", .out = &single}).final_checkpoint == "best");
    CHECK(single.str().find("checkpoint averaging: 1 validation save, nothing to average; the final model is "
                            "best") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "once/averaged"));
  }

  TEST_CASE(
      "the test table at the end: the final model on --test-src/--test-tgt, in the output and the report") {
    TempDir dir;
    RunConfig c = file_run(dir);
    c.tokeniser = "bpe";  // real text's scores: sacreBLEU's BLEU, lowercased BLEU and chrF2
    c.vocab_size = 400;
    c.max_len = 40;
    c.average_last = 2;
    const std::string out = dir / "run";
    std::ostringstream log;
    const TrainResult trained = train(c, {.out_dir = out, .out = &log});
    const AfterTrainingOptions options{
        .out_dir = out, .test_source = dir / "test.en", .test_target = dir / "test.fr", .out = &log};
    check_after_training_options(options);
    after_training(trained, options);
    const std::string printed = log.str();
    const std::string name = dir / "test.en" + " → " + dir / "test.fr";
    CHECK(printed.find("\n" + name + ": 12 sentences, 12 references, greedy decoding\nloss ") !=
          std::string::npos);
    CHECK(printed.find("\nBLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp = ") != std::string::npos);
    CHECK(printed.find("\nBLEU|nrefs:1|case:lc|eff:no|tok:13a|smooth:exp = ") != std::string::npos);
    CHECK(printed.find("\nchrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no = ") != std::string::npos);
    CHECK(printed.find("/averaged; the final model is " + out + "/" + trained.final_checkpoint) !=
          std::string::npos);

    const std::string report = file_contents(out + "/report.md");
    CHECK(report.find("## Test set\n\n" + name + ": 12 sentences, 12 references, greedy decoding") !=
          std::string::npos);
    CHECK(report.find("| BLEU | BLEU (lowercased) | chrF2 |") != std::string::npos);
    CHECK(report.find("    BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp = ") != std::string::npos);
    CHECK(report.find("- Final model: **" + trained.final_checkpoint + "** (validation BLEU: averaged ") !=
          std::string::npos);
    CHECK(report.find("averaged the saves of steps 4, 6)") != std::string::npos);
    CHECK(report.find("![validation BLEU against training time](validation_bleu.svg)") != std::string::npos);
    CHECK(std::filesystem::exists(out + "/validation_bleu.svg"));
    // The attention pictures show the first test sentence (no --attention-sentence given).
    std::ifstream test_en(dir / "test.en");
    std::string first;
    std::getline(test_en, first);
    CHECK(report.find("For \"" + first + "\": each row") != std::string::npos);

    // Without a test set the report has no test table, and the toy sentence is drawn.
    std::ostringstream quiet;
    after_training(trained, {.out_dir = out, .out = &quiet});
    CHECK(file_contents(out + "/report.md").find("## Test set") == std::string::npos);
    CHECK(file_contents(out + "/report.md").find(std::string("For \"") + kDefaultAttentionSentence) !=
          std::string::npos);
    after_training(trained, {.out_dir = out, .attention_sentence = "A dog runs.", .out = &quiet});
    CHECK(file_contents(out + "/report.md").find("For \"A dog runs.\"") != std::string::npos);

    CHECK(message_of<ValueError>([&] { check_after_training_options({.test_source = dir / "test.en"}); }) ==
          "a test set needs both --test-src and --test-tgt");
    CHECK(message_of<IOError>([&] {
            check_after_training_options({.test_source = dir / "test.en", .test_target = dir / "none.fr"});
          }).find("the test set (--test-src, --test-tgt): ") == 0);
    write_lines(dir / "short.fr", {"Un."});
    CHECK(message_of<ValueError>([&] {
            check_after_training_options({.test_source = dir / "test.en", .test_target = dir / "short.fr"});
          }).find("the test set (--test-src, --test-tgt): ") == 0);
  }

  TEST_CASE("validation_bleu.svg: validation BLEU against training minutes, its points and axis labels") {
    std::vector<HistoryRow> history;
    for (int step = 1; step <= 6; ++step) {
      HistoryRow r{.step = step, .train_loss = 2.0, .lr = 1e-3};
      if (step % 2 == 0) {
        r.validated = true;
        r.val_bleu = 0.1 * step / 2;    // 10, 20, 30 BLEU
        r.train_seconds = 30.0 * step;  // at 1, 2 and 3 minutes
      }
      history.push_back(r);
    }
    CHECK(validation_bleu_points(history) ==
          std::vector<std::pair<double, double>>{{1, 10}, {2, 20}, {3, 30.000000000000004}});
    const std::string svg = validation_bleu_chart(history).to_svg();
    CHECK(svg_checks::problems(svg) == "");
    CHECK(svg.find(">training time (minutes)</text>") != std::string::npos);
    CHECK(svg.find(">validation BLEU</text>") != std::string::npos);
    CHECK(svg.find(">Validation BLEU as training goes</text>") != std::string::npos);
    const std::size_t points = svg.find("<polyline points=\"");
    REQUIRE(points != std::string::npos);
    const std::string list = svg.substr(points + 18, svg.find('"', points + 18) - points - 18);
    CHECK(std::count(list.begin(), list.end(), ',') == 3);   // three points, one per validation
    CHECK_THROWS_AS(validation_bleu_chart({}), ValueError);  // nothing to draw
  }

  TEST_CASE("translator train: --help lists the recipe's options; bad values name the option") {
    TempDir dir;
    const std::string out = " --out " + dir / "run";  // nothing is trained: each is refused first
    const std::string help = translator_program::run("train --help").second;
    for (const char* option : {"--batch-tokens N", "--average-last N", "--test-src FILE", "--test-tgt FILE",
                               "--attention-sentence TEXT"})
      CHECK_MESSAGE(help.find(option) != std::string::npos, option);
    CHECK(translator_program::run("train --batch-tokens lots" + out) ==
          std::pair<int, std::string>{
              1, "translator train: option --batch-tokens expects a whole number, got 'lots'\n"});
    CHECK(translator_program::run("train --average-last -1" + out) ==
          std::pair<int, std::string>{
              1, "translator train: option --average-last must be at least 0, got -1\n"});
    CHECK(translator_program::run("train --test-tgt x.fr" + out) ==
          std::pair<int, std::string>{1,
                                      "translator train: a test set needs both --test-src and --test-tgt\n"});
    const auto missing =
        translator_program::run("train --test-src " + dir / "a.en" + " --test-tgt " + dir / "a.fr" + out);
    CHECK(missing.first == 1);
    CHECK(missing.second.find("translator train: the test set (--test-src, --test-tgt): ") == 0);
    CHECK_FALSE(std::filesystem::exists(dir / "run"));  // refused before training began
  }
}
