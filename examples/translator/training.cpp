// training.cpp: the training loop (see training.hpp).
#include "examples/translator/training.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/state_dict.hpp"
#include "examples/translator/batching.hpp"
#include "examples/translator/progress.hpp"
#include "nn/loss.hpp"
#include "optim/optim.hpp"

namespace sf::translator {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted = true; }

/// Where the run is: enough to rebuild the exact batch sequence and random state after a resume.
struct Progress {
  std::int64_t epoch = 0, batch_in_epoch = 0, tokens = 0;
  double train_seconds = 0;
  double best_exact = -1, best_loss = INFINITY;
  Generator::State order_at_epoch_start{};
};

optim::Metadata progress_metadata(const RunConfig& config, const Progress& p, const Generator& model_gen,
                                  std::int64_t step) {
  optim::Metadata m = config.to_metadata();
  m["progress.step"] = std::to_string(step);
  m["progress.epoch"] = std::to_string(p.epoch);
  m["progress.batch_in_epoch"] = std::to_string(p.batch_in_epoch);
  m["progress.tokens"] = std::to_string(p.tokens);
  std::ostringstream secs, best_exact, best_loss;
  secs << std::setprecision(17) << p.train_seconds;
  best_exact << std::setprecision(17) << p.best_exact;
  best_loss << std::setprecision(17) << p.best_loss;
  m["progress.train_seconds"] = secs.str();
  m["progress.best_exact"] = best_exact.str();
  m["progress.best_loss"] = best_loss.str();
  put_generator_state(m, "progress.order_at_epoch_start", p.order_at_epoch_start);
  put_generator_state(m, "progress.model_generator", model_gen.state());
  return m;
}

Progress read_progress(const optim::Metadata& m, Generator& model_gen) {
  auto get = [&](const std::string& key) {
    const auto it = m.find(key);
    if (it == m.end()) fail<IOError>("resume: the checkpoint has no '", key, "'");
    return it->second;
  };
  Progress p;
  p.epoch = std::stoll(get("progress.epoch"));
  p.batch_in_epoch = std::stoll(get("progress.batch_in_epoch"));
  p.tokens = std::stoll(get("progress.tokens"));
  p.train_seconds = std::stod(get("progress.train_seconds"));
  p.best_exact = std::stod(get("progress.best_exact"));
  p.best_loss = std::stod(get("progress.best_loss"));
  p.order_at_epoch_start = get_generator_state(m, "progress.order_at_epoch_start");
  model_gen.set_state(get_generator_state(m, "progress.model_generator"));
  return p;
}

double schedule_lr(const RunConfig& c, std::int64_t step) {
  if (c.schedule == "noam")
    return optim::NoamSchedule({.d_model = c.model_config(1, 1).layer.d_model, .warmup = c.warmup}).lr(step);
  return optim::CosineSchedule(
             {.peak_lr = c.lr, .warmup_steps = c.warmup, .total_steps = std::max(c.steps, c.warmup + 1), .final_lr = c.lr / 20})
      .lr(step);
}

void print_samples(std::ostream& out, const std::vector<SentencePair>& pairs, const EvalResult& r, std::size_t count) {
  for (std::size_t i : first_distinct_sources(pairs, count))
    if (i < r.hypotheses.size())
      out << "    " << pairs[i].source << "\n      → " << r.hypotheses[i] << "\n        (" << pairs[i].target << ")\n";
}

}  // namespace

TrainResult train(const RunConfig& requested, const TrainOptions& options) {
  std::ostream& out = options.out ? *options.out : std::cout;
  const fs::path dir = options.out_dir;
  const std::string latest = (dir / "latest").string(), best = (dir / "best").string();
  RunConfig config = requested;
  if (options.resume) config = RunConfig::from_metadata(optim::read_checkpoint_metadata(latest));
  if (config.schedule != "cosine" && config.schedule != "noam")
    fail<ValueError>("unknown schedule '", config.schedule, "' (cosine or noam)");

  const RunData data = load_run_data(config);
  out << "data: " << data.description << '\n';
  Vocabularies vocabs;
  if (options.resume) {
    vocabs = {Vocab::load((dir / "vocab.source.txt").string()), Vocab::load((dir / "vocab.target.txt").string())};
  } else {
    vocabs = build_vocabularies(data.train, config.min_count);
    fs::create_directories(dir);
    vocabs.source.save((dir / "vocab.source.txt").string());
    vocabs.target.save((dir / "vocab.target.txt").string());
  }
  std::int64_t dropped = 0;
  const std::vector<EncodedPair> train_pairs =
      encode_pairs(data.train, vocabs.source, vocabs.target, config.max_len, &dropped);
  out << "vocabulary: " << vocabs.source.size() << " source and " << vocabs.target.size() << " target tokens";
  if (dropped) out << "; " << dropped << " training pairs longer than " << config.max_len << " tokens left out";
  out << '\n';

  Generator model_gen(config.seed), order_gen(config.seed + 1);
  nn::Transformer model(config.model_config(vocabs.source.size(), vocabs.target.size()), model_gen);
  optim::Adam adam(model.parameters(), optim::kPaperAdam);
  TrainResult result;
  Progress p;
  p.order_at_epoch_start = order_gen.state();
  if (options.resume) {
    p = read_progress(optim::load_checkpoint(latest, model, &adam), model_gen);
    result.history = read_history((dir / "history.tsv").string());
    std::erase_if(result.history, [&](const HistoryRow& r) { return r.step > adam.steps(); });
    out << "resuming at step " << adam.steps() << '\n';
  }
  out << "model: " << config.preset << ", d_model " << model.config().layer.d_model << ", " << model.config().layer.heads
      << " heads, " << model.config().encoder_layers << " + " << model.config().decoder_layers << " layers, "
      << model.parameter_count() << " parameters\n";

  auto save = [&](const std::string& where) {
    optim::save_checkpoint(where, model, &adam, progress_metadata(config, p, model_gen, adam.steps()));
    write_history((dir / "history.tsv").string(), result.history);
  };
  const EvalOptions quick{.max_sentences = 200, .max_len = config.max_len};
  auto validate = [&](HistoryRow& row) {
    model.eval();
    const EvalResult r = evaluate(model, data.validation, vocabs, quick);
    model.train();
    row.validated = true;
    row.val_loss = r.loss;
    row.val_exact = r.exact_match;
    row.val_bleu = r.bleu.bleu;
    out << "\nstep " << row.step << ": validation loss " << std::fixed << std::setprecision(3) << r.loss
        << ", exact match " << std::setprecision(1) << 100 * r.exact_match << "%, BLEU " << 100 * r.bleu.bleu
        << std::defaultfloat << '\n';
    print_samples(out, data.validation, r, 3);
    out << std::flush;
    const bool better = r.exact_match > p.best_exact || (r.exact_match == p.best_exact && r.loss < p.best_loss);
    if (better) {
      p.best_exact = r.exact_match;
      p.best_loss = r.loss;
    }
    save(latest);
    if (better) save(best);
  };

  g_interrupted = false;
  const auto previous_handler = std::signal(SIGINT, on_interrupt);
  ProgressBar bar(out, isatty(STDOUT_FILENO) == 1 && !options.out);
  const double seconds_before = p.train_seconds;
  auto budget_left = [&] { return config.minutes <= 0 || p.train_seconds < config.minutes * 60.0; };
  bool stop = false;
  while (!stop && adam.steps() < config.steps && budget_left()) {
    order_gen.set_state(p.order_at_epoch_start);  // the same epoch order, resumed or not
    const std::vector<Batch> batches = make_batches(train_pairs, {.batch_size = config.batch_size}, order_gen);
    while (p.batch_in_epoch < static_cast<std::int64_t>(batches.size())) {
      if (options.stop_at_step > 0 && adam.steps() >= options.stop_at_step) g_interrupted = true;
      if (g_interrupted || adam.steps() >= config.steps || !budget_left()) {
        stop = true;
        break;
      }
      // [doc:training-step]
      const Batch& batch = batches[static_cast<std::size_t>(p.batch_in_epoch)];
      const auto t0 = Clock::now();
      adam.set_lr(schedule_lr(config, adam.steps() + 1));
      Tensor loss = nn::cross_entropy(model(batch.source, batch.target_in), batch.target_out, Vocab::pad_id,
                                      config.label_smoothing);
      const double value = loss.item();
      double norm = 0;
      if (std::isfinite(value)) {
        model.zero_grad();
        loss.backward();
        norm = config.clip > 0 ? optim::clip_grad_norm(model.parameters(), config.clip) : 0.0;
      }
      if (!std::isfinite(value) || !std::isfinite(norm)) {  // stop before the update: keep good weights
        bar.finish();
        out << "\ntraining stopped at step " << adam.steps() + 1 << ": the " << (std::isfinite(value) ? "gradient" : "loss")
            << " is not finite (" << (std::isfinite(value) ? norm : value) << "). The last good checkpoint is in "
            << latest << "; try a lower learning rate (--lr) or a longer warm-up (--warmup).\n";
        result.diverged = true;
        stop = true;
        break;
      }
      adam.step();
      // [doc:end]
      p.train_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      p.tokens += batch.target_tokens;
      ++p.batch_in_epoch;  // a checkpoint from here on resumes with the next batch
      HistoryRow row{adam.steps(), value, adam.lr()};
      double left = (p.train_seconds - seconds_before) / static_cast<double>(adam.steps()) *
                    static_cast<double>(config.steps - adam.steps());
      if (config.minutes > 0) left = std::min(left, config.minutes * 60.0 - p.train_seconds);
      bar.update(adam.steps(), config.steps, value, adam.lr(), static_cast<double>(p.tokens) / p.train_seconds, left);
      result.history.push_back(row);
      if (adam.steps() % config.eval_every == 0 || adam.steps() >= config.steps || !budget_left()) {
        bar.finish();
        validate(result.history.back());  // records its results in the row, then saves the history
      }
    }
    if (!stop) {
      ++p.epoch;
      p.batch_in_epoch = 0;
      p.order_at_epoch_start = order_gen.state();
    }
  }
  bar.finish();
  std::signal(SIGINT, previous_handler);
  if (g_interrupted && !result.diverged) {
    save(latest);
    out << "\ninterrupted at step " << adam.steps() << ": saved " << latest << "; continue with --resume\n";
    result.interrupted = true;
  } else if (!result.diverged && (result.history.empty() || !result.history.back().validated)) {
    save(latest);
  }
  result.steps = adam.steps();
  result.train_seconds = p.train_seconds;
  result.tokens_per_second = p.train_seconds > 0 ? static_cast<double>(p.tokens) / p.train_seconds : 0.0;
  return result;
}

std::vector<HistoryRow> read_history(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail<IOError>("cannot read ", path);
  std::vector<HistoryRow> rows;
  std::string line;
  std::getline(in, line);  // header
  for (int number = 2; std::getline(in, line); ++number) {
    std::istringstream fields(line);
    HistoryRow r;
    std::string val_loss;
    if (!(fields >> r.step >> r.train_loss >> r.lr)) fail<IOError>(path, ":", number, ": not a history row");
    if (fields >> r.val_loss >> r.val_exact >> r.val_bleu) r.validated = true;
    rows.push_back(r);
  }
  return rows;
}

void write_history(const std::string& path, const std::vector<HistoryRow>& rows) {
  std::ostringstream os;
  os << "step\ttrain_loss\tlr\tval_loss\tval_exact_match\tval_bleu\n" << std::setprecision(17);  // exact round trip
  for (const HistoryRow& r : rows) {
    os << r.step << '\t' << r.train_loss << '\t' << r.lr;
    if (r.validated) os << '\t' << r.val_loss << '\t' << r.val_exact << '\t' << r.val_bleu;
    os << '\n';
  }
  io::write_file_atomically(path, os.str());
}

}  // namespace sf::translator
