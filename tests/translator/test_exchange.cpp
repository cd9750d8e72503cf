// Tests for translator export and translator score (exchange.hpp): the files a peer (PyTorch) trains
// on are what our training uses, batch for batch; translations given as ids are scored as eval scores
// them; bad input is a clear error naming the file and the line. A tiny bpe run on the toy grammar's
// sentences, written as Multi30k-style files.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "examples/translator/dataset.hpp"
#include "examples/translator/exchange.hpp"
#include "examples/translator/parallel_files.hpp"
#include "examples/translator/trained_run.hpp"
#include "examples/translator/training.hpp"
#include "support.hpp"
#include "translator_program.hpp"

using namespace sf;
using namespace sf::translator;
using sf::test::message_of;
using sf::test::TempDir;
using sf::test::write_lines;

namespace {

/// A directory with train.en/.fr (300 pairs), val.en/.fr (20), test.en/.fr (7 lines, 5 distinct
/// English sentences: two of them twice, with a second reference), and a bpe run trained on them
/// for 3 steps in run/. Built once per process.
struct TinyRun {
  TempDir dir;
  RunConfig config;
  std::string run;

  TinyRun() {
    const Dataset d = make_dataset({.seed = 7, .train_size = 300, .validation_size = 20, .test_size = 5});
    const auto write = [&](const std::string& name, const std::vector<SentencePair>& pairs) {
      std::vector<std::string> en, fr;
      for (const SentencePair& p : pairs) en.push_back(p.source), fr.push_back(p.target);
      write_lines(dir / (name + ".en"), en);
      write_lines(dir / (name + ".fr"), fr);
    };
    write("train", d.train);
    write("val", d.validation);
    std::vector<SentencePair> test = d.test;
    for (std::size_t i = 0; i < 2; ++i) test.push_back({d.test[i].source, "Autrement : " + d.test[i].target});
    write("test", test);
    config = {.source_path = dir / "train.en",
              .target_path = dir / "train.fr",
              .valid_source_path = dir / "val.en",
              .valid_target_path = dir / "val.fr",
              .tokeniser = "bpe",
              .vocab_size = 400,
              .max_len = 40,
              .d_model = 16,
              .heads = 2,
              .d_ff = 32,
              .layers = 1,
              .steps = 3,
              .batch_size = 32,
              .warmup = 2,
              .eval_every = 3};
    run = dir / "run";
    std::ostringstream log;
    train(config, {.out_dir = run, .out = &log});
    config.resolve_sizes();
  }
};

const TinyRun& tiny_run() {
  static const TinyRun run;
  return run;
}

std::vector<int> read_ids(const std::string& text) {
  std::vector<int> ids;
  std::istringstream in(text);
  for (int id; in >> id;) ids.push_back(id);
  return ids;
}

/// A translation's line of ids: those of `framed` without its <s> and </s>.
std::string unframed_ids(const std::vector<int>& framed) {
  std::string line;
  for (std::size_t i = 1; i + 1 < framed.size(); ++i) {
    if (i > 1) line += ' ';
    line += std::to_string(framed[i]);
  }
  return line;
}

std::vector<std::string> lines_of(const std::string& path) { return read_lines(path); }

/// settings.txt as a map, comments left out.
std::map<std::string, std::string> read_settings(const std::string& path) {
  std::map<std::string, std::string> settings;
  for (std::string line : lines_of(path)) {
    line = line.substr(0, line.find('#'));
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    value.erase(value.find_last_not_of(' ') + 1);
    settings[line.substr(0, eq)] = value;
  }
  return settings;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE("export: train.ids, valid.ids, the sources and batches.txt are what training and eval use") {
    const TinyRun& t = tiny_run();
    TempDir out;
    std::ostringstream log;
    export_run({.run_dir = t.run,
                .out_dir = out.path.string(),
                .steps = 25,
                .test_source = t.dir / "test.en",
                .out = &log});
    CHECK(out.files() == std::vector<std::string>{"batches.txt", "settings.txt", "test.src.ids", "train.ids",
                                                  "valid.ids", "valid.src.ids"});
    const TrainedRun run = load_trained_run(t.run, "latest");
    const RunData data = load_run_data(run.config);
    const std::vector<EncodedPair> pairs = encode_pairs(data.train, run.tokeniser, run.config.max_len);

    // train.ids: the encoded training pairs, in order, source<TAB>target.
    const std::vector<std::string> train_lines = lines_of(out / "train.ids");
    REQUIRE(train_lines.size() == pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const std::size_t tab = train_lines[i].find('\t');
      REQUIRE(tab != std::string::npos);
      CHECK(read_ids(train_lines[i].substr(0, tab)) == pairs[i].source);
      CHECK(read_ids(train_lines[i].substr(tab + 1)) == pairs[i].target);
    }
    CHECK(pairs.front().source.front() == Vocab::bos_id);
    CHECK(pairs.front().target.back() == Vocab::eos_id);
    CHECK(lines_of(out / "valid.ids").size() ==
          encode_pairs(data.validation, run.tokeniser, run.config.max_len).size());

    // batches.txt: make_batches's batches for the run's seed, epoch after epoch.
    std::vector<std::vector<std::size_t>> listed;
    for (const std::string& line : lines_of(out / "batches.txt")) {
      std::vector<std::size_t> rows;
      for (int i : read_ids(line)) rows.push_back(static_cast<std::size_t>(i));
      listed.push_back(rows);
    }
    REQUIRE(listed.size() == 25);
    Generator order = batch_order_generator(run.config);
    std::vector<Batch> expected = make_batches(pairs, batching_config(run.config), order);
    const std::size_t per_epoch = expected.size();
    REQUIRE(per_epoch == 10);  // 300 pairs in batches of 32
    for (const Batch& next_epoch : make_batches(pairs, batching_config(run.config), order))
      expected.push_back(next_epoch);
    for (std::size_t b = 0; b < per_epoch + 2; ++b) {
      std::vector<const EncodedPair*> group;
      for (std::size_t i : listed[b]) group.push_back(&pairs.at(i));
      const Batch batch = collate(group);
      INFO("batch ", b);
      CHECK(sf::test::same_values(batch.source, expected[b].source));
      CHECK(sf::test::same_values(batch.target_in, expected[b].target_in));
      CHECK(sf::test::same_values(batch.target_out, expected[b].target_out));
    }

    // The distinct sources, in eval's order; a test set's repeated sentence is translated once.
    const std::vector<std::string> sources = distinct_sources(data.validation);
    const std::vector<std::string> valid_sources = lines_of(out / "valid.src.ids");
    REQUIRE(valid_sources.size() == sources.size());
    CHECK(read_ids(valid_sources[0]) == run.tokeniser.encode_source(sources[0]));
    CHECK(lines_of(out / "test.src.ids").size() == 5);

    const std::map<std::string, std::string> s = read_settings(out / "settings.txt");
    CHECK(s.at("d_model") == "16");
    CHECK(s.at("heads") == "2");
    CHECK(s.at("d_ff") == "32");
    CHECK(s.at("encoder_layers") == "1");
    CHECK(s.at("target_vocab") == std::to_string(run.tokeniser.target_size()));
    CHECK(s.at("pad_id") == "0");
    CHECK(s.at("norm_first") == "0");
    CHECK(s.at("final_norm") == "0");
    CHECK(s.at("tie_output") == "1");
    CHECK(s.at("schedule") == "cosine");
    CHECK(s.at("cosine_total_steps") == "3");
    CHECK(s.at("cosine_final_lr") == "1e-04");
    CHECK(s.at("adam_beta2") == "0.98");
    CHECK(s.at("max_len") == "40");
    CHECK(s.at("valid_sentences") == std::to_string(kValidationSentences));
    CHECK(s.at("batches") == "25");
    CHECK(s.at("train_pairs") == std::to_string(pairs.size()));
    CHECK(pairs.size() == 294);  // 6 of the 300 pairs are over max_len: left out, as training leaves them out
    CHECK_MESSAGE(contains(log.str(),
                           ": 294 training pairs (6 over 40 tokens left out), 18 validation pairs, 25 "
                           "batches (3 epochs), 5 test sentences\n"),
                  log.str());
  }

  TEST_CASE("score: the references' own ids score 100, as eval would print it") {
    const TinyRun& t = tiny_run();
    const TrainedRun run = load_trained_run(t.run, "latest");
    TempDir out;
    const std::vector<SentencePair> test = read_parallel_files(t.dir / "test.en", t.dir / "test.fr");
    std::vector<std::string> first_reference_ids;  // one line per distinct source: its first reference
    for (const std::string& source : distinct_sources(test))
      for (const SentencePair& p : test)
        if (p.source == source) {
          first_reference_ids.push_back(unframed_ids(run.tokeniser.encode_target(p.target)));
          break;
        }
    REQUIRE(first_reference_ids.size() == 5);
    write_lines(out / "hyp.ids", first_reference_ids);
    const auto [status, printed] = translator_program::run(
        "score --run " + t.run + " --hyp-ids " + out / "hyp.ids" + " --src " + t.dir / "test.en" + " --ref " +
        t.dir / "test.fr" + " --output " + out / "hyp.txt");
    CHECK(status == 0);
    CHECK(contains(printed, ": 5 sentences, 7 references, translations read from "));
    CHECK(contains(printed, "exact match 100.0%\n"));
    CHECK(contains(printed, "BLEU|nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp = 100.00 "));
    CHECK(contains(printed, "BLEU|nrefs:var|case:lc|eff:no|tok:13a|smooth:exp = 100.00 "));
    CHECK(contains(printed, "chrF2|nrefs:var|case:mixed|eff:yes|nc:6|nw:0|space:no = 100.00"));
    CHECK(lines_of(out / "hyp.txt")[0] == test[0].target);

    // The same through the library: the scores are the ones eval computes from the same text.
    std::vector<std::string> hypotheses;
    for (const std::vector<int>& ids : read_id_lines(out / "hyp.ids", run.tokeniser.target_size()))
      hypotheses.push_back(run.tokeniser.decode_target(ids));
    const EvalResult r = score_translations(test, hypotheses);
    CHECK(r.bleu.score == doctest::Approx(100));
    CHECK(r.sentences == 5);
    CHECK(score_translations(test, {hypotheses[0]}, 1).sentences == 1);  // --max-sentences 1

    // Without --src, line i translates line i (every reference its own sentence).
    std::vector<std::string> every_line;
    for (const SentencePair& p : test)
      every_line.push_back(unframed_ids(run.tokeniser.encode_target(p.target)));
    write_lines(out / "all.ids", every_line);
    const auto [status2, printed2] = translator_program::run("score --run " + t.run + " --hyp-ids " +
                                                             out / "all.ids" + " --ref " + t.dir / "test.fr");
    CHECK(status2 == 0);
    CHECK(contains(printed2, ": 7 sentences, 7 references, "));
    CHECK(contains(printed2, "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp = 100.00 "));
  }

  TEST_CASE("export and score: a missing run, malformed or out-of-vocabulary ids, a wrong count") {
    const TinyRun& t = tiny_run();
    TempDir out;
    const std::string missing = out / "no-run";
    CHECK(translator_program::run("export --run " + missing + " --out " + out / "x") ==
          std::pair<int, std::string>{1, "translator export: no trained run in " + missing + ": " + missing +
                                             "/latest/model.safetensors is missing (train one first: "
                                             "translator train --out " +
                                             missing + ")\n"});
    CHECK(translator_program::run("export --run " + t.run).second ==
          "translator export: translator export needs --out DIR2 (where the files go)\n");
    const std::string ref = " --ref " + t.dir / "test.fr";
    write_lines(out / "h.ids", {"5 6", "7 x 8"});
    CHECK(translator_program::run("score --run " + missing + " --hyp-ids " + out / "h.ids" + ref).second ==
          "translator score: no trained run in " + missing + ": " + missing +
              "/latest/model.safetensors is missing (train one first: translator train --out " + missing +
              ")\n");
    CHECK(translator_program::run("score --run " + t.run + " --hyp-ids " + out / "h.ids" + ref) ==
          std::pair<int, std::string>{1, "translator score: " + out / "h.ids" +
                                             " line 2: 'x' is not a token id (each line: whole numbers "
                                             "separated by spaces)\n"});
    write_lines(out / "h.ids", {"5 400", ""});
    CHECK(translator_program::run("score --run " + t.run + " --hyp-ids " + out / "h.ids" + ref).second ==
          "translator score: " + out / "h.ids" +
              " line 1: id 400 is outside the target vocabulary (0 to 399)\n");
    write_lines(out / "h.ids", {"-1"});
    CHECK(
        contains(translator_program::run("score --run " + t.run + " --hyp-ids " + out / "h.ids" + ref).second,
                 " line 1: '-1' is not a token id"));
    write_lines(out / "h.ids", {"5 6", "", "7"});
    CHECK(translator_program::run("score --run " + t.run + " --hyp-ids " + out / "h.ids" + " --src " +
                                  t.dir / "test.en" + ref)
              .second ==
          "translator score: " + out / "h.ids" +
              " has 3 lines but there are 5 distinct source sentences to translate, one per line\n");
    CHECK(translator_program::run("score --run " + t.run + ref).second ==
          "translator score: translator score needs --hyp-ids FILE and --ref FILE\n");
    CHECK(contains(message_of<ValueError>([&] {
                     score_translations({{"a", "b"}}, {"x", "y"});
                   }),
                   "score_translations: 2 translations for 1 distinct source sentences"));
  }
}
