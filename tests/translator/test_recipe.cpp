// Tests for issue 20's recipe in the translator: batches by tokens, the decoding limit tied to the source,
// validation BLEU against training time, checkpoint averaging, the test table at the end, and their
// options. Tiny models on tiny toy data: each run is a few steps.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "examples/translator/options.hpp"
#include "examples/translator/run_options.hpp"
#include "examples/translator/training.hpp"
#include "optim/checkpoint.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::translator;
using sf::test::message_of;
using sf::test::TempDir;

namespace {

/// A run of a few steps: 300 toy pairs, d_model 16, a validation every 2 steps.
RunConfig tiny_run() {
  RunConfig c;
  c.train_size = 300;
  c.validation_size = 20;
  c.test_size = 20;
  c.d_model = 16;
  c.heads = 2;
  c.d_ff = 32;
  c.layers = 1;
  c.steps = 6;
  c.batch_size = 16;
  c.warmup = 2;
  c.eval_every = 2;
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
    RunConfig c = tiny_run();
    c.batch_tokens = 200;
    std::ostringstream log;
    CHECK(train(c, {.out_dir = dir / "run", .out = &log}).steps == 6);
    const optim::Metadata stored = optim::read_checkpoint_metadata(dir / "run/latest");
    CHECK(stored.at("run.batch_tokens") == "200");
    RunConfig more = tiny_run();  // --resume ignores the command line's settings: the stored ones count
    CHECK(train(more, {.out_dir = dir / "run", .resume = true, .extend_steps = 8, .out = &log}).steps == 8);
    CHECK(optim::read_checkpoint_metadata(dir / "run/latest").at("run.batch_tokens") == "200");

    optim::Metadata older = stored;  // a run saved before --batch-tokens existed batched by sentences
    older.erase("run.batch_tokens");
    CHECK(RunConfig::from_metadata(older).batch_tokens == 0);
  }
}
