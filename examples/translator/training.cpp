// training.cpp: the training loop (see training.hpp).
#include "examples/translator/training.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>

#include "core/error.hpp"
#include "examples/translator/averaging.hpp"
#include "examples/translator/batching.hpp"
#include "examples/translator/progress.hpp"
#include "examples/translator/run_lock.hpp"
#include "examples/translator/stop_rules.hpp"
#include "examples/translator/training_step.hpp"
#include "optim/checkpoint.hpp"
#include "optim/optim.hpp"

namespace sf::translator {

namespace {

using Clock = std::chrono::steady_clock;

/// The training batches in order, epoch after epoch. Each epoch's order is drawn from the state the
/// progress recorded when the epoch began, so a resumed run takes the same batches.
class BatchSequence {
 public:
  BatchSequence(const std::vector<EncodedPair>& pairs, const BatchingConfig& batching, Progress& progress)
      : pairs_(pairs), batching_(batching), progress_(progress) {}

  /// The batch at progress.batch_in_epoch, beginning the next epoch when this one is used up.
  const Batch& next() {
    while (true) {
      if (batches_.empty()) {
        order_.set_state(progress_.order_at_epoch_start);
        batches_ = make_batches(pairs_, batching_, order_);
        if (batches_.empty()) fail<ValueError>("train: no training pair is short enough to make a batch");
      }
      if (progress_.batch_in_epoch < static_cast<std::int64_t>(batches_.size()))
        return batches_[static_cast<std::size_t>(progress_.batch_in_epoch)];
      ++progress_.epoch;
      progress_.batch_in_epoch = 0;
      progress_.order_at_epoch_start = order_.state();
      batches_.clear();
    }
  }

 private:
  const std::vector<EncodedPair>& pairs_;
  BatchingConfig batching_;
  Progress& progress_;
  Generator order_;
  std::vector<Batch> batches_;
};

/// The run's sentence pairs, its tokeniser (learned and saved, or loaded when resuming), and the
/// training pairs encoded with it, as reported on `out`.
struct TrainingData {
  RunData data;
  Tokeniser tokeniser;
  std::vector<EncodedPair> pairs;
};

TrainingData prepare_data(const RunConfig& config, const RunDirectory& run, bool resume, std::ostream& out) {
  const std::map<std::string, std::string> stored =
      resume ? run.stored_metadata() : std::map<std::string, std::string>{};
  RunData data = load_run_data(config);
  out << "data: " << data.description << '\n';
  if (data.validation.empty())
    fail<ValueError>("train: the validation set is empty (", data.description,
                     "); give more pairs, a larger validation share, or --valid-src and --valid-tgt");
  Tokeniser tokeniser = resume ? run.load_tokeniser(config, stored) : build_tokeniser(config, data.train);
  TrainingData d{std::move(data), std::move(tokeniser), {}};
  std::int64_t dropped = 0;
  d.pairs = encode_pairs(d.data.train, d.tokeniser, config.max_len, &dropped);
  out << d.tokeniser.describe();
  if (dropped)
    out << "; " << dropped << " training pairs longer than " << config.max_len << " tokens left out";
  out << '\n';
  return d;
}

void print_model(std::ostream& out, const RunConfig& config, const nn::Transformer& model) {
  const nn::TransformerConfig& c = model.config();
  out << "model: " << config.preset << ", d_model " << c.layer.d_model << ", " << c.layer.heads << " heads, "
      << c.encoder_layers << " + " << c.decoder_layers << " layers, " << model.parameter_count()
      << " parameters\n";
}

/// Loss, exact match and BLEU on (up to 200 of) the validation pairs, printed with the training time
/// so far (`train_seconds`; `elapsed_seconds` with setup, validations and saves) and three samples,
/// and recorded in `row`.
EvalResult validate(nn::Transformer& model, const std::vector<SentencePair>& pairs,
                    const Tokeniser& tokeniser, const RunConfig& config, HistoryRow& row,
                    double train_seconds, const std::function<double()>& elapsed_seconds, std::ostream& out) {
  model.eval();
  const EvalResult r = evaluate(model, pairs, tokeniser,
                                {.max_sentences = kValidationSentences,
                                 .beam = config.beam,
                                 .length_penalty = config.length_penalty,
                                 .max_len = config.max_len});
  model.train();
  row.validated = true;
  row.val_loss = r.loss;
  row.val_exact = r.exact_match;
  row.val_bleu = r.bleu.score / 100;
  row.train_seconds = train_seconds;
  out << "\nstep " << row.step << " (" << std::fixed << std::setprecision(0) << train_seconds
      << " s of training, " << elapsed_seconds() << " s in all): validation loss " << std::setprecision(3)
      << r.loss << ", exact match " << std::setprecision(1) << 100 * r.exact_match << "%, BLEU "
      << r.bleu.score << std::defaultfloat;
  if (tokeniser.is_bpe()) out << " (" << r.sentences << " sentences, " << r.decoding << ")";
  out << '\n';
  for (std::size_t i : first_distinct_sources(r.translated_pairs(), 3))
    out << "    " << r.sources[i] << "\n      → " << r.hypotheses[i] << "\n        (" << r.first_references[i]
        << ")\n";
  out << std::flush;
  return r;
}

/// Better: a higher selection_score, or the same with a lower loss. Records it as the best if so.
bool record_if_best(const RunConfig& config, Progress& p, const EvalResult& r) {
  const double score = selection_score(config, r);
  const bool better = score > p.best_score || (score == p.best_score && r.loss < p.best_loss);
  if (!better) return false;
  p.best_score = score;
  p.best_loss = r.loss;
  return true;
}

void report_divergence(std::ostream& out, std::int64_t step, const StepResult& s, double limit,
                       const std::string& latest) {
  out << "\ntraining stopped at step " << step << ", before its update: ";
  if (!std::isfinite(s.loss))
    out << "the loss is not finite (" << s.loss << ")";
  else if (s.loss > limit)
    out << "the loss " << s.loss << " is more than ten times its recent range (limit " << limit
        << "): the run is diverging";
  else
    out << "the gradient is not finite (" << s.gradient_norm << ")";
  if (std::filesystem::exists(std::filesystem::path(latest) / "model.safetensors"))
    out << ". The last good checkpoint (its weights verified finite when saved) is in " << latest;
  else
    out << ". No checkpoint was saved before that";
  out << "; try a lower learning rate (--lr) or a longer warm-up (--warmup).\n";
}

/// Checkpoint averaging at the end of a run: the mean of the last average_last snapshots becomes the
/// checkpoint "averaged", scored on validation as every save is; the final model is whichever of it
/// and "best" scores higher (best on a tie).
void average_and_choose(const RunDirectory& run, const RunConfig& config, const TrainingData& d,
                        TrainResult& result, std::ostream& out) {
  const std::vector<std::string> all = run.snapshots();
  const std::size_t n = std::min(all.size(), static_cast<std::size_t>(config.average_last));
  if (n < 2) {
    out << "\ncheckpoint averaging: " << n
        << " validation save, nothing to average; the final model is best\n";
    return;
  }
  const std::vector<std::string> last(all.end() - static_cast<std::ptrdiff_t>(n), all.end());
  nn::Transformer model(config.model_config(d.tokeniser.source_size(), d.tokeniser.target_size()));
  model.load_state_dict(average_snapshots(last));
  std::string steps;
  for (const std::string& path : last) {
    const std::string name = std::filesystem::path(path).stem().string();  // step-000001500
    result.averaged_steps.push_back(std::stoll(name.substr(5)));
    steps += (steps.empty() ? "" : ", ") + std::to_string(result.averaged_steps.back());
  }
  run.save_averaged(model, config, {{"averaged.steps", steps}});
  model.eval();
  const EvalResult r = evaluate(model, d.data.validation, d.tokeniser,
                                {.max_sentences = kValidationSentences,
                                 .beam = config.beam,
                                 .length_penalty = config.length_penalty,
                                 .max_len = config.max_len});
  result.averaged_score = selection_score(config, r);
  const bool averaged_wins = result.averaged_score > result.best_score;
  result.final_checkpoint = averaged_wins ? "averaged" : "best";
  const char* what = config.uses_files() ? "BLEU" : "exact match";
  out << "\naveraged the last " << n << " validation saves (steps " << steps << "): validation loss "
      << std::fixed << std::setprecision(3) << r.loss << ", exact match " << std::setprecision(1)
      << 100 * r.exact_match << "%, BLEU " << r.bleu.score << "\nfinal model: " << result.final_checkpoint
      << " (validation " << what << ": averaged " << 100 * result.averaged_score << ", best "
      << 100 * result.best_score << ")\n"
      << std::defaultfloat << std::flush;
}

}  // namespace

double selection_score(const RunConfig& config, const EvalResult& r) {
  return config.uses_files() ? r.bleu.score / 100 : r.exact_match;
}

BatchingConfig batching_config(const RunConfig& config) {
  return {.batch_size = config.batch_size, .max_tokens = config.batch_tokens};
}

Generator batch_order_generator(const RunConfig& config) { return Generator(config.seed + 1); }

double divergence_limit(const std::vector<HistoryRow>& history) {
  if (history.empty()) return INFINITY;
  double highest = history.front().train_loss;
  const std::size_t from = history.size() > kDivergenceWindow ? history.size() - kDivergenceWindow : 0;
  for (std::size_t i = from; i < history.size(); ++i) highest = std::max(highest, history[i].train_loss);
  return kDivergenceFactor * highest;
}

TrainResult train(const RunConfig& requested, const TrainOptions& options) {
  const auto session_start = Clock::now();
  std::ostream& out = options.out ? *options.out : std::cout;
  const RunDirectory run(options.out_dir);
  if (options.resume && options.overwrite) fail<ValueError>("train: give --resume or --overwrite, not both");
  if (options.resume && !options.init_from.empty())
    fail<ValueError>("train: --init-from starts a new run; it cannot be given with --resume");
  const RunLock lock(options.out_dir);  // until training returns
  run.remove_leftovers();
  if (options.resume && !std::filesystem::exists(std::filesystem::path(run.latest()) / "model.safetensors"))
    fail<IOError>("--resume: ", options.out_dir, " holds no checkpoint to resume (", run.latest(),
                  " is missing)");
  if (!options.resume && !options.overwrite && run.holds_run())
    fail<ValueError>(
        "train: ", options.out_dir,
        " already holds a run; continue it with --resume, replace it with --overwrite, or choose "
        "another --out");
  RunConfig config = options.resume ? run.stored_config() : requested;
  if (options.resume && options.extend_steps > 0) config.steps = options.extend_steps;
  if (options.resume && options.extend_minutes >= 0) config.minutes = options.extend_minutes;
  config.validate(options.resume);
  if (!options.resume) config.resolve_sizes();  // stored resolved: a checkpoint's sizes are never 0

  const TrainingData d = prepare_data(config, run, options.resume, out);
  Generator model_generator(config.seed);
  nn::Transformer model(config.model_config(d.tokeniser.source_size(), d.tokeniser.target_size()),
                        model_generator);
  optim::Adam adam(model.parameters(), optim::kPaperAdam);
  TrainResult result;
  Progress p{.order_at_epoch_start = batch_order_generator(config).state()};
  const TrainingState state{config, model, adam, model_generator, p, result.history};
  if (!options.init_from.empty()) {
    optim::import_weights(options.init_from, model);  // the one loader that accepts files without checksums
    out << "weights imported from " << options.init_from << '\n';
  }
  if (!options.resume) {  // the settings, data, model and weights are good: only now is an old run replaced
    run.remove_run();
    run.save_tokeniser(d.tokeniser);
  }
  if (options.resume) {
    run.resume(state);
    out << "resuming at step " << adam.steps() << '\n';
  }
  const double elapsed_before = p.elapsed_seconds;  // the earlier sessions' (0 for a new run)
  const std::function<double()> elapsed = [&] {
    p.elapsed_seconds = elapsed_before + std::chrono::duration<double>(Clock::now() - session_start).count();
    return p.elapsed_seconds;
  };
  print_model(out, config, model);

  const StopRules stop(config.steps, config.minutes, adam.steps(), elapsed());
  BatchSequence batches(d.pairs, batching_config(config), p);
  ProgressBar bar(out, isatty(STDOUT_FILENO) == 1 && !options.out);
  while (!stop.should_stop(adam.steps(), elapsed())) {
    const Batch& batch = batches.next();
    const auto start = Clock::now();
    const double limit = divergence_limit(result.history);
    const StepResult step = training_step(model, adam, batch, config, limit);
    if (!step.updated) {
      bar.finish();
      report_divergence(out, adam.steps() + 1, step, limit, run.latest());
      result.diverged = true;
      break;
    }
    p.train_seconds += std::chrono::duration<double>(Clock::now() - start).count();
    p.tokens += batch.target_tokens;
    ++p.batch_in_epoch;  // a checkpoint from here on resumes with the next batch
    result.history.push_back({.step = adam.steps(), .train_loss = step.loss, .lr = adam.lr()});
    bar.update(adam.steps(), config.steps, step.loss, adam.lr(),
               static_cast<double>(p.tokens) / p.train_seconds, stop.seconds_left(adam.steps(), elapsed()));
    if (adam.steps() % config.eval_every == 0 || stop.finished(adam.steps(), elapsed())) {
      bar.finish();
      const EvalResult r = validate(model, d.data.validation, d.tokeniser, config, result.history.back(),
                                    p.train_seconds, elapsed, out);
      const bool best = record_if_best(config, p, r);
      elapsed();
      // The snapshot before latest/: a resume drops a snapshot newer than latest/, never lacks one.
      if (config.average_last > 0) run.save_snapshot(model, adam.steps(), config.average_last);
      run.save(run.latest(), state);
      if (best) run.save(run.best(), state);
    }
  }
  bar.finish();

  elapsed();
  if (stop.interrupted() && !result.diverged) {
    run.save(run.latest(), state);
    out << "\ninterrupted at step " << adam.steps() << ": saved " << run.latest()
        << "; continue with --resume\n";
    result.interrupted = true;
  } else if (!result.diverged && (result.history.empty() || !result.history.back().validated)) {
    run.save(run.latest(), state);
  }
  result.best_score = p.best_score;
  if (config.average_last > 0 && !result.diverged && !result.interrupted)
    average_and_choose(run, config, d, result, out);
  result.steps = adam.steps();
  result.train_seconds = p.train_seconds;
  result.elapsed_seconds = p.elapsed_seconds;
  result.tokens_per_second = p.train_seconds > 0 ? static_cast<double>(p.tokens) / p.train_seconds : 0.0;
  return result;
}

}  // namespace sf::translator
