// Tests for issue 18 at the translator's level: a checkpoint is one unit (a save stopped at each of
// its file operations, and real kill -9s, always resume bit for bit), the run directory's lock, a
// second `train` into the same directory, divergence, and the bounds of every setting.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/fault_injection.hpp"
#include "core/io/safetensors.hpp"
#include "core/random.hpp"
#include "examples/translator/options.hpp"
#include "examples/translator/run_lock.hpp"
#include "examples/translator/run_options.hpp"
#include "examples/translator/training.hpp"
#include "support.hpp"
#include "tiny_run.hpp"
#include "translator_program.hpp"

using namespace sf;
using namespace sf::translator;
using sf::test::file_contents;
using sf::test::message_of;
using sf::test::TempDir;
using translator_tests::tiny_run;

namespace {

bool has_temporary_files(const std::filesystem::path& dir) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  return false;
}

void check_same_history(const std::vector<HistoryRow>& got, const std::vector<HistoryRow>& expected) {
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK_MESSAGE(got[i].train_loss == expected[i].train_loss, "step ", i + 1);
    CHECK_MESSAGE(got[i].validated == expected[i].validated, "step ", i + 1);
    CHECK_MESSAGE(got[i].val_loss == expected[i].val_loss, "step ", i + 1);
  }
}

}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE(
      "a save stopped at each of its file operations: the run resumes bit for bit from the last whole "
      "checkpoint") {
    const RunConfig c = tiny_run(3);
    std::ostringstream log;
    TempDir straight;
    const TrainResult whole = train(c, {.out_dir = straight / "run", .out = &log});
    REQUIRE_FALSE(has_temporary_files(straight.path));

    // How many file operations the run makes up to its first checkpoint (step 3), and in all: the
    // operations in between are the last checkpoint's save (step 6).
    auto operations_until = [&](std::int64_t steps) {
      TempDir dir;
      RunConfig shorter = c;
      shorter.steps = steps;
      io::reset_file_operation_count();
      train(shorter, {.out_dir = dir / "run", .out = &log});
      return io::file_operations_counted();
    };
    const std::int64_t first = operations_until(3), second = operations_until(6);
    REQUIRE(second - first >= 8);  // the checkpoint's files, its directory's rename and sync, history
    // Release stops the save at every one of its operations. The sanitizer builds (kSanitizerBuild),
    // where each stop costs a run and a resume many times slower, stop it at every third operation and
    // at the last: a deterministic sample that still meets every kind of operation (checked below).
    const std::int64_t stride = sf::test::kSanitizerBuild ? 3 : 1;
    MESSAGE("a save stopped at ", std::string(stride == 1 ? "each" : "every third"), " of its ",
            second - first, " file operations");
    std::set<std::string> kinds;  // the operations stopped: "write", "rename", ...
    for (std::int64_t at = first + 1; at <= second; ++at) {
      if ((at - first - 1) % stride != 0 && at != second) continue;
      CAPTURE(at);
      TempDir dir;
      const std::string out = dir / "run";
      {
        const io::ArmedFault crash({.at = at});
        const std::string stopped =
            message_of<io::InjectedFault>([&] { train(c, {.out_dir = out, .out = &log}); });
        CHECK_MESSAGE(!stopped.empty(), "the run went through operation ", at);
        // "injected fault: file operation 41 (rename '<path>')": the kind is before the quoted path.
        const std::size_t open = stopped.find(" ("), quote = stopped.find(" '", open);
        if (open != std::string::npos && quote != std::string::npos)
          kinds.insert(stopped.substr(open + 2, quote - open - 2));
        CHECK(std::filesystem::exists(out + "/latest/model.safetensors"));  // step 3's, or step 6's
      }
      const TrainResult rest = train(RunConfig{}, {.out_dir = out, .resume = true, .out = &log});
      check_same_history(rest.history, whole.history);
      CHECK_FALSE(has_temporary_files(dir.path));
    }
    for (const char* kind : {"create the directory", "create a temporary file", "write", "fsync", "close",
                             "rename", "sync the directory", "remove"})
      CHECK_MESSAGE(kinds.count(kind) == 1, "no stopped operation was a '", kind, "'");
  }

  TEST_CASE("kill -9 at random moments of the real program: it resumes bit for bit, nothing left behind") {
    // Release: a run of 20 steps killed three times. The sanitizer builds (kSanitizerBuild), where the
    // program runs several times slower, kill a run of 10 steps once, at a moment four times later.
    const int steps = sf::test::kSanitizerBuild ? 10 : 20, kills = sf::test::kSanitizerBuild ? 1 : 3;
    const int slower = sf::test::kSanitizerBuild ? 4 : 1;
    const std::vector<std::string> settings = {"--train-size", "300", "--d-model", "16",
                                               "--heads",      "2",   "--d-ff",    "32",
                                               "--layers",     "1",   "--steps",   std::to_string(steps),
                                               "--batch-size", "16",  "--warmup",  "2",
                                               "--eval-every", "1",   "--threads", "1"};
    auto run = [](std::vector<std::string> args, int kill_after_ms) {
      args.insert(args.begin(), {SF_TRANSLATOR_PATH, "train"});
      std::fflush(nullptr);  // the child must not write the test's buffered output again
      const pid_t child = ::fork();
      REQUIRE(child >= 0);
      if (child == 0) {
        std::vector<char*> argv;
        for (std::string& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (std::freopen("/dev/null", "w", stdout) == nullptr) ::_exit(126);
        ::execv(argv[0], argv.data());
        ::_exit(127);
      }
      if (kill_after_ms > 0) {
        ::usleep(static_cast<useconds_t>(kill_after_ms) * 1000);
        ::kill(child, SIGKILL);
      }
      int status = 0;
      ::waitpid(child, &status, 0);
      return status;
    };
    TempDir dir;
    std::vector<std::string> reference = settings;
    reference.insert(reference.end(), {"--out", dir / "reference"});
    REQUIRE(run(reference, 0) == 0);
    const std::vector<HistoryRow> expected = read_history(dir / "reference/history.tsv");
    REQUIRE(expected.size() == static_cast<std::size_t>(steps));

    Generator moments(18);
    for (int kill = 0; kill < kills; ++kill) {
      const int after_ms = slower * (150 + static_cast<int>(moments.next_u64() % 1500));
      CAPTURE(after_ms);
      const std::string out = dir / ("killed" + std::to_string(kill));
      std::vector<std::string> args = settings;
      args.insert(args.end(), {"--out", out});
      const int killed = run(args, after_ms);
      CHECK((WIFSIGNALED(killed) && WTERMSIG(killed) == SIGKILL));
      // Resume from the last whole checkpoint (start over if the kill came before the first one).
      const bool saved = std::filesystem::exists(out + "/latest/model.safetensors");
      MESSAGE("kill ", kill, " after ", after_ms,
              " ms: ", std::string(saved ? "resumed" : "no checkpoint yet"));
      const int status = saved ? run({"--out", out, "--resume", "--threads", "1"}, 0)
                               : run(
                                     [&] {
                                       auto a = args;
                                       a.push_back("--overwrite");
                                       return a;
                                     }(),
                                     0);
      CHECK(status == 0);
      check_same_history(read_history(out + "/history.tsv"), expected);
      CHECK_FALSE(has_temporary_files(out));
    }
  }

  TEST_CASE("a run directory is locked while a process writes it: a second writer gets a clear error") {
    TempDir dir;
    const RunLock first(dir.path);
    const std::string message = message_of<IOError>([&] { RunLock second(dir.path); });
    CHECK(message == dir.path.string() + " is in use: another process (pid " + std::to_string(::getpid()) +
                         ") is writing this run directory; wait for it to finish or choose another --out");
    std::ostringstream log;
    CHECK(message_of<IOError>([&] { train(tiny_run(3), {.out_dir = dir.path.string(), .out = &log}); }) ==
          message);
  }

  TEST_CASE(
      "a second train into a run's directory is refused unless --resume or --overwrite, old run untouched") {
    TempDir dir;
    const std::string out = dir / "run";
    std::ostringstream log;
    train(tiny_run(3), {.out_dir = out, .out = &log});
    const std::string vocab = file_contents(out + "/vocab.source.txt"),
                      history = file_contents(out + "/history.tsv");
    RunConfig other = tiny_run(3);
    other.train_size = 200;
    CHECK(
        message_of<ValueError>([&] { train(other, {.out_dir = out, .out = &log}); }) ==
        "train: " + out +
            " already holds a run; continue it with --resume, replace it with --overwrite, or choose another "
            "--out");
    other.data_path = dir / "missing.tsv";  // settings that fail: nothing of the old run is touched
    CHECK_THROWS(train(other, {.out_dir = out, .overwrite = true, .out = &log}));
    CHECK(file_contents(out + "/vocab.source.txt") == vocab);
    CHECK(file_contents(out + "/history.tsv") == history);
    other.data_path = "";
    other.heads = 3;  // d_model 16 does not split into 3 heads: refused before the old run is touched
    CHECK_THROWS(train(other, {.out_dir = out, .overwrite = true, .out = &log}));
    CHECK(file_contents(out + "/vocab.source.txt") == vocab);
    other.heads = 2;
    const TrainResult replaced = train(other, {.out_dir = out, .overwrite = true, .out = &log});
    CHECK(replaced.steps == other.steps);
    CHECK(file_contents(out + "/vocab.source.txt") != vocab);
    CHECK(message_of<IOError>([&] {
            train(tiny_run(3), {.out_dir = dir / "empty", .resume = true, .out = &log});
          }).find("holds no checkpoint to resume") != std::string::npos);
  }

  TEST_CASE(
      "--lr 1e6 diverges: training stops before the next update with a clear message, no checkpoint named") {
    TempDir dir;
    RunConfig c = tiny_run(3);
    c.lr = 1e6;
    c.steps = 30;
    c.eval_every = 30;
    std::ostringstream log;
    const TrainResult r = train(c, {.out_dir = dir / "run", .out = &log});
    CHECK(r.diverged);
    CHECK(r.steps < 5);
    CHECK(log.str().find("is more than ten times its recent range") != std::string::npos);
    CHECK(log.str().find("No checkpoint was saved before that") != std::string::npos);
    CHECK(log.str().find("last good checkpoint") == std::string::npos);
  }

  TEST_CASE("the divergence rule: ten times the highest of the first loss and the last 100") {
    std::vector<HistoryRow> h;
    CHECK(std::isinf(divergence_limit(h)));
    h.push_back({.step = 1, .train_loss = 6});
    for (int i = 2; i <= 300; ++i) h.push_back({.step = i, .train_loss = 1});
    CHECK(divergence_limit(h) == 60);
  }

  TEST_CASE("run settings read back from a checkpoint are validated through the bounds table") {
    RunConfig c = tiny_run(3);
    auto stored = c.to_metadata();
    stored["run.layers"] = "100000";
    CHECK(message_of<IOError>([&] { RunConfig::from_metadata(stored); }) ==
          "checkpoint: run setting 'layers' (--layers) is 100000, outside 1 to 64 (a damaged or edited "
          "checkpoint)");
    stored = c.to_metadata();
    stored["run.heads"] = "0";
    CHECK(
        message_of<IOError>([&] { RunConfig::from_metadata(stored); }) ==
        "checkpoint: run setting 'heads' (--heads) is 0, outside 1 to 256 (a damaged or edited checkpoint)");
    stored = c.to_metadata();
    stored["run.schedule"] = "linear";
    CHECK(message_of<IOError>([&] {
            RunConfig::from_metadata(stored);
          }).find("'linear', not cosine or noam") != std::string::npos);
  }

  TEST_CASE(
      "command-line numbers are checked against their bounds, naming the option, the value and the limit") {
    auto read = [](std::vector<std::string> args) {
      Options o("translator train [options]", "Trains a model.");
      add_run_options(o);
      o.parse(args);
      return read_run_options(o);
    };
    CHECK(message_of<ValueError>([&] {
            read({"--d-ff", "99999999999"});
          }) == "run setting 'd_ff' (--d-ff) is 99999999999, outside 0 to 65536");
    CHECK(message_of<ValueError>([&] {
            read({"--layers", "100000"});
          }) == "run setting 'layers' (--layers) is 100000, outside 0 to 64");
    CHECK(message_of<ValueError>([&] {
            read({"--batch-size", "1000000"});
          }) == "run setting 'batch_size' (--batch-size) is 1000000, outside 1 to 65536");
    CHECK(message_of<ValueError>([&] {
            read({"--max-len", "100000"});
          }) == "run setting 'max_len' (--max-len) is 100000, outside 3 to 4096");
    CHECK(message_of<ValueError>([&] {
            read({"--lr", "0"});
          }) == "run setting 'lr' (--lr) is 0, it must be above 0");
    CHECK(read({"--heads", "8", "--d-model", "64"}).heads == 8);
  }

  TEST_CASE("an empty validation split is an error at the start, naming the data") {
    TempDir dir;
    {
      std::ofstream tsv(dir / "pairs.tsv");
      tsv << "Hello.\tBonjour.\n";
    }
    RunConfig c = tiny_run(3);
    c.data_path = dir / "pairs.tsv";
    c.validation_fraction = 0;
    std::ostringstream log;
    CHECK(message_of<ValueError>([&] {
            train(c, {.out_dir = dir / "run", .out = &log});
          }).find("train: the validation set is empty (") == 0);
    CHECK_FALSE(std::filesystem::exists(dir / "run/latest"));
  }
}

TEST_SUITE("ch13-translator") {
  TEST_CASE("the command line: the real thread count, empty sentences, and flags --resume cannot honour") {
    TempDir dir;
    const std::string out = " --out " + dir / "run";
    CHECK(translator_program::run("train --threads 99999999999" + out) ==
          std::pair<int, std::string>{
              1, "translator train: set_num_threads: 99999999999 threads is more than the limit of 256\n"});
    CHECK(translator_program::run("train --resume --steps 400 --lr 0.1" + out) ==
          std::pair<int, std::string>{
              1,
              "translator train: --lr cannot be given with --resume: a resumed run keeps "
              "its stored settings (only --steps and --minutes extend it)\n"});
    CHECK(translator_program::run("train --resume --beam 4" + out) ==
          std::pair<int, std::string>{
              1,
              "translator train: --beam cannot be given with --resume: a resumed run keeps "
              "its stored settings (only --steps and --minutes extend it)\n"});
    CHECK(translator_program::run("translate ''") ==
          std::pair<int, std::string>{1,
                                      "translator translate: an empty sentence was given (\"\"): nothing to "
                                      "translate\n"});
    CHECK(translator_program::run("translate --beam 100000 hello") ==
          std::pair<int, std::string>{
              1, "translator translate: option --beam is 100000, above the limit of 64\n"});
    CHECK(translator_program::run("train --help")
              .second.find("--resume                  continue the run in --out with its stored settings; "
                           "honours only --steps "
                           "and --minutes") != std::string::npos);
  }
}

TEST_SUITE("ch13-translator") {
  TEST_CASE("an edited vocabulary file is refused by resume and translate, naming the files and both CRCs") {
    TempDir dir;
    const std::string out = dir / "run";
    std::ostringstream log;
    train(tiny_run(3), {.out_dir = out, .out = &log});
    {
      std::ofstream vocab(out + "/vocab.target.txt", std::ios::app);
      vocab << "nouveau\n";  // a valid vocabulary, one word longer: the model would read it differently
    }
    const std::string message =
        message_of<IOError>([&] { train(RunConfig{}, {.out_dir = out, .resume = true, .out = &log}); });
    CHECK(
        message.find("the tokeniser's files in " + out +
                     " (vocab.source.txt, vocab.target.txt) changed after the checkpoint was written: their "
                     "CRC-32 is ") == 0);
    CHECK(translator_program::run("translate --run " + out + " hello")
              .second.find("changed after the checkpoint") != std::string::npos);
  }

  TEST_CASE(
      "progress read back from a checkpoint is validated: a batch_in_epoch of -1 is an error, not a crash") {
    TempDir dir;
    const std::string out = dir / "run";
    std::ostringstream log;
    train(tiny_run(3), {.out_dir = out, .out = &log});
    // Rewrite the latest checkpoint's metadata as a damaged or edited file would have it (the tensors'
    // checksums stay right: only the stored numbers are wrong).
    // The model file carries the training file's FNV-1a (optim/checkpoint.cpp), so it is rewritten too.
    auto fnv1a = [](const std::vector<std::byte>& bytes) {
      std::uint64_t h = 14695981039346656037ull;
      for (std::byte b : bytes) h = (h ^ static_cast<std::uint64_t>(b)) * 1099511628211ull;
      std::ostringstream hex;
      hex << std::hex << h;  // as optim/checkpoint.cpp writes it
      return hex.str();
    };
    SafetensorsFile training = parse_safetensors(io::read_file(out + "/latest/training.safetensors"));
    training.metadata["progress.batch_in_epoch"] = "-1";
    const std::vector<std::byte> training_bytes = serialize_safetensors(training.tensors, training.metadata);
    io::write_file_atomically(out + "/latest/training.safetensors", training_bytes);
    SafetensorsFile model = parse_safetensors(io::read_file(out + "/latest/model.safetensors"));
    model.metadata["progress.batch_in_epoch"] = "-1";
    model.metadata["training_file_fnv1a"] = fnv1a(training_bytes);
    io::write_file_atomically(out + "/latest/model.safetensors",
                              serialize_safetensors(model.tensors, model.metadata));
    CHECK(message_of<IOError>([&] { train(RunConfig{}, {.out_dir = out, .resume = true, .out = &log}); }) ==
          "resume: 'progress.batch_in_epoch' is -1, outside 0 to 9007199254740992 (a damaged checkpoint)");
  }
}

TEST_SUITE("ch13-translator") {
  TEST_CASE("--init-from imports weights through optim::import_weights; a wrong file is refused by name") {
    TempDir dir;
    std::ostringstream log;
    const TrainResult first = train(tiny_run(3), {.out_dir = dir / "first", .out = &log});
    // Same vocabulary (same data and settings): the first run's weights fit.
    const TrainResult second =
        train(tiny_run(3),
              {.out_dir = dir / "second", .init_from = dir / "first/latest/model.safetensors", .out = &log});
    CHECK(log.str().find("weights imported from " + dir / "first/latest/model.safetensors") !=
          std::string::npos);
    CHECK(second.history.front().train_loss < first.history.front().train_loss);  // it starts trained
    RunConfig bigger = tiny_run(3);
    bigger.d_model = 32;
    CHECK_THROWS_AS(
        train(bigger,
              {.out_dir = dir / "third", .init_from = dir / "first/latest/model.safetensors", .out = &log}),
        Error);
    CHECK(message_of<ValueError>([&] {
            train(tiny_run(3),
                  {.out_dir = dir / "first", .resume = true, .init_from = "x.safetensors", .out = &log});
          }) == "train: --init-from starts a new run; it cannot be given with --resume");
  }
}

TEST_SUITE("ch13-translator") {
  TEST_CASE("leftovers of a killed save are removed on the next start; other files in --out are not") {
    TempDir dir;
    const std::string out = dir / "run";
    std::ostringstream log;
    train(tiny_run(3), {.out_dir = out, .out = &log});
    std::filesystem::create_directories(out + "/latest.tmp-99999-0");  // as a kill mid-save leaves them
    { std::ofstream(out + "/history.tsv.tmp-99999-1") << "half"; }
    { std::ofstream(out + "/notes.tmp-1.txt") << "the user's"; }
    { std::ofstream(out + "/drawing.svg") << "the user's"; }
    RunConfig more = tiny_run(3);
    train(more, {.out_dir = out, .overwrite = true, .out = &log});
    CHECK_FALSE(std::filesystem::exists(out + "/latest.tmp-99999-0"));
    CHECK_FALSE(std::filesystem::exists(out + "/history.tsv.tmp-99999-1"));
    CHECK(std::filesystem::exists(out + "/notes.tmp-1.txt"));
    CHECK(std::filesystem::exists(out + "/drawing.svg"));
    CHECK(std::filesystem::exists(out + "/latest/model.safetensors"));
  }
}
