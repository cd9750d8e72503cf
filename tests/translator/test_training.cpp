// Tests for examples/translator/training.cpp and run_config.cpp: a short end-to-end training run
// whose loss must fall, exact resumes, and the run's settings and history on disk.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "core/io/fault_injection.hpp"
#include "examples/translator/training.hpp"

using namespace sf;
using namespace sf::translator;

namespace {

// A model and a dataset small enough for a test: 2000 toy pairs, d_model 32, one layer each.
RunConfig tiny_run() {
  RunConfig c;
  c.train_size = 2000;
  c.validation_size = 100;
  c.test_size = 100;
  c.d_model = 32;
  c.heads = 2;
  c.d_ff = 64;
  c.layers = 1;
  c.steps = 40;
  c.batch_size = 32;
  c.lr = 5e-3;
  c.warmup = 10;
  c.eval_every = 20;
  return c;
}

std::string scratch(const char* name) {
  // One per process: two builds may run these tests at the same time.
  const auto dir =
      std::filesystem::temp_directory_path() / (name + std::string("-") + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE("run settings survive the trip through checkpoint metadata") {
    RunConfig c = tiny_run();
    c.data_path = "pairs.tsv";
    c.dropout = 0.25;
    const RunConfig back = RunConfig::from_metadata(c.to_metadata());
    CHECK(back.data_path == "pairs.tsv");
    CHECK(back.dropout == 0.25);
    CHECK(back.d_model == 32);
    CHECK(back.to_metadata() == c.to_metadata());
    auto broken = c.to_metadata();
    broken["run.lr"] = "fast";
    CHECK_THROWS_WITH_AS(RunConfig::from_metadata(broken),
                         "run config: 'lr' has the value 'fast', not a number", IOError);
    broken.erase("run.seed");
    CHECK_THROWS_AS(RunConfig::from_metadata(broken), IOError);
  }

  TEST_CASE("a short training run: the loss falls below a recorded bound, and the files are written") {
    const std::string dir = scratch("sf_translator_train");
    std::ostringstream log;
    const TrainResult r = train(tiny_run(), {.out_dir = dir, .out = &log});
    REQUIRE(r.history.size() == 40);
    CHECK_FALSE(r.diverged);
    CHECK(r.history.front().train_loss > 5.0);  // ln(~390 words) ≈ 6 at the start
    CHECK(r.history.back().val_loss < 4.9);     // recorded bound (4.48 when written): it learned
    for (const char* f : {"latest/model.safetensors", "latest/training.safetensors", "best/model.safetensors",
                          "vocab.source.txt", "vocab.target.txt", "history.tsv"})
      CHECK_MESSAGE(std::filesystem::exists(std::filesystem::path(dir) / f), f);
    const auto history = read_history(dir + "/history.tsv");
    CHECK(history.size() == 40);
    CHECK(history[19].validated);
    CHECK(history[19].val_loss == doctest::Approx(r.history[19].val_loss).epsilon(1e-8));
    std::filesystem::remove_all(dir);
  }

  TEST_CASE("a run stopped by Ctrl-C and resumed gives the losses of an uninterrupted run, bit for bit") {
    const std::string straight = scratch("sf_translator_straight"), split = scratch("sf_translator_split");
    RunConfig c = tiny_run();
    c.eval_every = 13;  // the first checkpoint is written after step 13 of 40
    std::ostringstream log;
    const TrainResult whole = train(c, {.out_dir = straight, .out = &log});
    TrainResult first;
    {
      // Ctrl-C arrives while that checkpoint is being written (at its first file operation, through
      // core/io's fault point): training finishes the save, stops, and saves the latest again.
      const io::ArmedFault ctrl_c({.path_contains = "/latest.tmp-", .action = [] { std::raise(SIGINT); }});
      first = train(c, {.out_dir = split, .out = &log});
    }
    CHECK(first.interrupted);
    CHECK(first.steps == 13);
    const TrainResult rest =
        train(RunConfig{}, {.out_dir = split, .resume = true, .out = &log});  // settings from disk
    CHECK_FALSE(rest.interrupted);
    REQUIRE(rest.history.size() == whole.history.size());
    for (std::size_t i = 0; i < whole.history.size(); ++i)
      CHECK_MESSAGE(rest.history[i].train_loss == whole.history[i].train_loss, "step ", i + 1);
    std::filesystem::remove_all(straight);
    std::filesystem::remove_all(split);
  }
}

TEST_SUITE("ch13-translator") {
  TEST_CASE("a loss that turns NaN stops training, and the last good checkpoint stays loadable") {
    const std::string dir = scratch("sf_translator_nan");
    RunConfig c = tiny_run();
    c.lr = 1e9;  // absurd: the weights blow up within a few steps
    c.warmup = 1;
    c.clip = 0;  // no clipping, so nothing holds the update back
    c.eval_every = 1;
    std::ostringstream log;
    const TrainResult r = train(c, {.out_dir = dir, .out = &log});
    CHECK(r.diverged);
    CHECK(r.steps < c.steps);
    CHECK(log.str().find("is not finite") != std::string::npos);
    CHECK(log.str().find("The last good checkpoint (its weights verified finite when saved) is in " + dir +
                         "/latest") != std::string::npos);
    const auto history = read_history(dir + "/history.tsv");  // what the last save recorded
    REQUIRE_FALSE(history.empty());
    CHECK(std::isfinite(history.back().train_loss));
    std::filesystem::remove_all(dir);
  }

  TEST_CASE("training pairs that are all too long are an error, not an endless loop") {
    const std::string dir = scratch("sf_translator_too_long");
    RunConfig c = tiny_run();
    c.max_len = 3;  // <s> + one word + </s>: no toy sentence fits
    std::ostringstream log;
    CHECK_THROWS_WITH_AS(train(c, {.out_dir = dir, .out = &log}),
                         "train: no training pair is short enough to make a batch", ValueError);
    std::filesystem::remove_all(dir);
  }
}
