// ch12_warmup: what warm-up does, shown by runs (docs/12-adam-and-the-schedule.md, "Without warm-up").
//
// A small translator (chapter 13's toy grammar; d_model 32, 2 heads, 2 + 2 layers) is trained four
// times for 200 steps from the same initial weights on the same batches, with the paper's Adam and
// label smoothing and no gradient clipping:
//   1. post-LN (the paper's layer) with the paper's schedule: a linear warm-up, then 1/√step;
//   2. the same schedule with its warm-up cut off: the peak rate from step 1, then the same decay;
//   3. no warm-up at a tenth of that peak;
//   4. no warm-up at the full peak, with pre-LN layers (LayerNorm before each sub-layer).
// Each run ends with its loss on held-out pairs, next to the loss of a "model" that ignores the
// English and predicts French words by their frequency: a run near that has learned nothing.
// Before the runs, the gradient of each layer at step 1, post-LN against pre-LN.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "examples/translator/batching.hpp"
#include "examples/translator/run_config.hpp"
#include "nn/loss.hpp"
#include "optim/optim.hpp"

using namespace sf;
using namespace sf::translator;

namespace {

constexpr std::int64_t kSteps = 200, kWarmup = 50, kBatch = 32;

struct Setting {
  std::string name;
  double scale;         // NoamConfig::scale: the peak is scale · (d_model · warmup)^−0.5
  bool warmup;          // false: the rate starts at the peak
  bool pre_ln = false;  // LayerNorm before each sub-layer (LayerConfig::norm_first) instead of after
};

// [doc:warmup-schedules]
/// The learning rate at `step` (from 1): the paper's schedule, or the same schedule with its warm-up
/// cut off, so that the rate starts at the peak and then decays exactly as the paper's does.
double learning_rate(const Setting& s, std::int64_t d_model, std::int64_t step) {
  const optim::NoamSchedule noam({.d_model = d_model, .warmup = kWarmup, .scale = s.scale});
  return s.warmup ? noam.lr(step) : noam.lr(std::max(step, kWarmup));
}
// [doc:end]

/// The model, post-LN or pre-LN. `gen` (seeded 1 in every run: the same initial weights) also draws
/// its dropout masks, so it must outlive the model.
nn::Transformer make_model(nn::TransformerConfig config, bool pre_ln, Generator& gen) {
  config.layer.norm_first = pre_ln;
  return nn::Transformer(config, gen);
}

std::vector<Batch> batches_in_order(const std::vector<EncodedPair>& pairs) {
  Generator order(2);  // the same batches in the same order for every run
  return make_batches(pairs, {.batch_size = kBatch}, order);
}

double norm(const Tensor& t) { return std::sqrt(sum(t * t).item()); }

/// Mean cross-entropy per target token on `pairs` (teacher forcing, no smoothing, no dropout).
double held_out_loss(nn::Transformer& model, const std::vector<EncodedPair>& pairs) {
  NoGradGuard no_grad;
  model.eval();
  double total = 0;
  std::int64_t tokens = 0;
  for (std::size_t from = 0; from < pairs.size(); from += 100) {
    std::vector<const EncodedPair*> group;
    for (std::size_t i = from; i < std::min(pairs.size(), from + 100); ++i) group.push_back(&pairs[i]);
    const Batch b = collate(group);
    total += nn::cross_entropy(model(b.source, b.target_in), b.target_out, Vocab::pad_id).item() *
             static_cast<double>(b.target_tokens);
    tokens += b.target_tokens;
  }
  model.train();
  return total / static_cast<double>(tokens);
}

/// The same loss for a model that ignores the English and gives each French word its frequency in
/// the training targets (words never seen there count once).
double frequency_loss(const std::vector<EncodedPair>& train, const std::vector<EncodedPair>& held_out,
                      std::int64_t vocab) {
  std::vector<double> count(static_cast<std::size_t>(vocab), 1);
  double total = static_cast<double>(vocab);
  for (const EncodedPair& p : train)
    for (std::size_t i = 1; i < p.target.size(); ++i) ++count[static_cast<std::size_t>(p.target[i])], ++total;
  double loss = 0, tokens = 0;
  for (const EncodedPair& p : held_out)
    for (std::size_t i = 1; i < p.target.size(); ++i)
      loss -= std::log(count[static_cast<std::size_t>(p.target[i])] / total), ++tokens;
  return loss / tokens;
}

/// The norm of each layer's gradient (all its parameters together) after one backward pass at
/// initialisation, on the first batch.
void print_first_gradients(const nn::TransformerConfig& config, const std::vector<EncodedPair>& pairs) {
  const Batch batch = batches_in_order(pairs)[0];
  for (const bool pre_ln : {false, true}) {
    Generator gen(1);
    nn::Transformer model = make_model(config, pre_ln, gen);
    nn::cross_entropy(model(batch.source, batch.target_in), batch.target_out, Vocab::pad_id, 0.1).backward();
    std::cout << (pre_ln ? "pre-LN: " : "post-LN:");
    for (const std::string stack : {"encoder", "decoder"})
      for (std::int64_t layer = 0; layer < config.encoder_layers; ++layer) {
        const std::string prefix = stack + ".layers." + std::to_string(layer) + ".";
        double squares = 0;
        for (const auto& [name, p] : model.named_parameters())
          if (name.starts_with(prefix) && p.grad().defined()) squares += std::pow(norm(p.grad()), 2);
        std::cout << "  " << stack << ' ' << layer + 1 << ": " << std::sqrt(squares);
      }
    std::cout << '\n';
  }
}

struct Outcome {
  std::vector<double> losses;  // the training loss at each step taken
  bool diverged = false;       // a loss that is not finite ended the run
};

Outcome train_once(const Setting& s, const nn::TransformerConfig& config,
                   const std::vector<EncodedPair>& pairs, nn::Transformer& model) {
  optim::Adam adam(model.parameters(), optim::kPaperAdam);
  const std::vector<Batch> batches = batches_in_order(pairs);
  Outcome out;
  // [doc:warmup-loop]
  for (std::int64_t step = 1; step <= kSteps; ++step) {
    const Batch& batch = batches[static_cast<std::size_t>(step - 1) % batches.size()];
    adam.set_lr(learning_rate(s, config.layer.d_model, step));
    Tensor loss =
        nn::cross_entropy(model(batch.source, batch.target_in), batch.target_out, Vocab::pad_id, 0.1);
    if (!std::isfinite(loss.item())) {
      out.diverged = true;
      break;
    }
    out.losses.push_back(loss.item());
    model.zero_grad();
    loss.backward();
    adam.step();  // no clipping: the paper does not clip
  }
  // [doc:end]
  return out;
}

}  // namespace

int main() {
  std::cout << std::fixed << std::setprecision(3);
  RunConfig config;  // the toy grammar
  config.train_size = 4000;
  config.validation_size = 200;
  config.d_model = 32;
  config.heads = 2;
  config.d_ff = 64;
  config.layers = 2;
  config.resolve_sizes();
  const RunData data = load_run_data(config);
  const Tokeniser tokeniser(build_vocabularies(data.train, config.min_count));
  const std::vector<EncodedPair> pairs = encode_pairs(data.train, tokeniser, config.max_len);
  const std::vector<EncodedPair> held_out = encode_pairs(data.validation, tokeniser, config.max_len);
  const nn::TransformerConfig model_config =
      config.model_config(tokeniser.source_size(), tokeniser.target_size());
  const double by_frequency = frequency_loss(pairs, held_out, tokeniser.target_size());
  Generator gen(1);
  const std::int64_t parameters = make_model(model_config, false, gen).parameter_count();

  std::cout << "=== setup ===\n"
            << pairs.size() << " training pairs, " << held_out.size() << " held-out pairs; d_model "
            << config.d_model << ", " << config.heads << " heads, d_ff " << config.d_ff << ", "
            << config.layers << " + " << config.layers << " layers, " << parameters << " parameters\n"
            << kSteps << " steps of " << kBatch << " sentences; Adam 0.9, 0.98, 1e-9; label smoothing 0.1\n"
            << "held-out loss of French word frequencies alone: " << by_frequency << '\n';

  std::cout << "=== first-gradients ===\n";
  print_first_gradients(model_config, pairs);

  std::cout << "=== warmup ===\n";
  const std::vector<Setting> settings = {
      {"post-LN, the paper's warm-up (50 steps)", 1.0, true},
      {"post-LN, no warm-up, same peak", 1.0, false},
      {"post-LN, no warm-up, a tenth of the peak", 0.1, false},
      {"pre-LN, no warm-up, same peak", 1.0, false, true},
  };
  for (const Setting& s : settings) {
    Generator gen(1);
    nn::Transformer model = make_model(model_config, s.pre_ln, gen);
    const Outcome o = train_once(s, model_config, pairs, model);
    std::cout << s.name << ": peak lr " << std::scientific << std::setprecision(2)
              << learning_rate(s, config.d_model, kWarmup) << std::fixed << std::setprecision(3)
              << "\n  loss at step";
    for (const std::int64_t step : {1, 2, 5, 10, 25, 50, 100, 200})
      if (step <= static_cast<std::int64_t>(o.losses.size()))
        std::cout << ' ' << step << ": " << o.losses[static_cast<std::size_t>(step - 1)];
    const double final_loss = o.diverged ? NAN : held_out_loss(model, held_out);
    std::cout << "\n  held-out loss " << final_loss << ": "
              << (o.diverged                        ? "diverged (the loss is not finite)"
                  : final_loss > 0.9 * by_frequency ? "stalled, hardly better than word frequencies"
                                                    : "learned")
              << '\n';
  }
  return 0;
}
