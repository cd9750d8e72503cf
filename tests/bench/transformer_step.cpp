// transformer_step: how fast is a training step, and how fast is generation?
//
// The same work as the PyTorch peer (shared/peers/torch_transformer_step.py), so the two can be
// compared number for number: an encoder-decoder Transformer (post-LN, ReLU, final LayerNorms as
// torch.nn.Transformer, separate output projection), random token ids of fixed lengths, one step =
// zero_grad + forward + cross-entropy + backward + Adam (betas 0.9/0.98, eps 1e-9). Reports the
// median milliseconds per step over the timed steps (with p10 and p90), target tokens per second,
// the step's matmul FLOPs (the peer's formula: backward = 2 × forward) and the GFLOP/s they imply,
// and the process's peak resident memory. Then greedy decoding of N sentences of T tokens (fixed
// length, as the peer), batched and one at a time, with the decoder's key/value cache.
//
//   transformer_step --preset small --threads 1
//   transformer_step --preset base --batch 64 --threads 2 --json
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "core/block_cache.hpp"
#include "core/core.hpp"
#include "core/parallel/thread_pool.hpp"
#include "nn/nn.hpp"
#include "optim/optim.hpp"

using namespace sf;
using Clock = std::chrono::steady_clock;

namespace {

struct Preset {
  std::int64_t d_model, heads, layers, d_ff;
};

Preset preset_named(const std::string& name) {
  if (name == "small") return {128, 4, 2, 512};
  if (name == "medium") return {256, 8, 4, 1024};
  if (name == "base") return {512, 8, 6, 2048};
  fail<ValueError>("unknown preset '", name, "' (small, medium, base)");
}

/// Matmul FLOPs of one training step, exactly as the PyTorch peer counts them.
double step_flops(double d, double ff, double layers, double vocab, double batch, double S, double T) {
  const double enc_lin = 4 * d * d + 2 * d * ff, dec_lin = 8 * d * d + 2 * d * ff;
  double fwd =
      2 * batch * S * enc_lin * layers + 2 * batch * T * dec_lin * layers + 2 * batch * T * d * vocab;
  fwd += 4 * batch * S * S * d * layers + 4 * batch * T * T * d * layers + 4 * batch * T * S * d * layers;
  return 3 * fwd;
}

/// Bytes of weight matrices that decoding one sentence one token at a time must read at least once
/// per use, in float32: the encoder once, each decoder layer's cross-attention keys and values of the
/// source once (start_generation caches them), then for each of the T - 1 steps every other decoder
/// matrix and the output projection. At batch 1 each matrix is used for one row of activations, so
/// decoding cannot run faster than these bytes travel from memory: the decoding floor.
double decode_weight_bytes(double d, double ff, double layers, double vocab, double T) {
  const double encoder = layers * (4 * d * d + 2 * d * ff), cross_kv = layers * 2 * d * d;
  const double per_step = layers * (6 * d * d + 2 * d * ff) + d * vocab;
  return 4 * (encoder + cross_kv + (T - 1) * per_step);
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// Greedy decoding of `source` for T tokens, no early stop (the model is untrained).
void greedy(const nn::Transformer& model, const Tensor& source, std::int64_t T) {
  nn::GenerationState state = model.start_generation(source, T);
  Tensor next = full({source.size(0), 1}, 1, {.dtype = kInt64});
  for (std::int64_t t = 0; t + 1 < T; ++t)
    next = argmax(model.generation_step(state, next).select(1, 0), -1, true);
}

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == "--" + name) return argv[i + 1];
  return fallback;
}

bool flag(int argc, char** argv, const std::string& name) {
  for (int i = 1; i < argc; ++i)
    if (argv[i] == "--" + name) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string preset_name = arg(argc, argv, "preset", "small");
  const Preset p = preset_named(preset_name);
  const int threads = std::stoi(arg(argc, argv, "threads", "1"));
  const std::int64_t B = std::stoll(arg(argc, argv, "batch", "64")),
                     S = std::stoll(arg(argc, argv, "src-len", "24")),
                     T = std::stoll(arg(argc, argv, "tgt-len", "24")),
                     V = std::stoll(arg(argc, argv, "vocab", "1000")),
                     steps = std::stoll(arg(argc, argv, "steps", "30")),
                     warmup = std::stoll(arg(argc, argv, "warmup", "5")),
                     decode_n = std::stoll(arg(argc, argv, "decode", "100"));
  const double dropout = std::stod(arg(argc, argv, "dropout", "0.1"));
  set_num_threads(threads);

  Generator gen(0);
  nn::Transformer model(
      {.source_vocab = V,
       .target_vocab = V,
       .layer = {.d_model = p.d_model, .heads = p.heads, .d_ff = p.d_ff, .dropout = dropout},
       .encoder_layers = p.layers,
       .decoder_layers = p.layers,
       .final_norm = true,
       .tie_output = false,
       .max_len = std::max<std::int64_t>(512, std::max(S, T))},
      gen);
  optim::Adam adam(model.parameters(), {.lr = 1e-4, .beta1 = 0.9, .beta2 = 0.98, .eps = 1e-9});
  const Tensor src = randint(2, V, {B, S}, gen), tgt = randint(2, V, {B, T + 1}, gen);
  const Tensor tgt_in = tgt.narrow(1, 0, T).contiguous(), tgt_out = tgt.narrow(1, 1, T).contiguous();
  const double rss_before = peak_rss_mib();
  const double tensors_before = static_cast<double>(cache_stats().in_use_bytes) / (1 << 20);
  reset_peak_in_use();

  double loss_value = 0;
  auto step = [&] {
    model.zero_grad();
    Tensor loss = nn::cross_entropy(model(src, tgt_in), tgt_out);
    loss.backward();
    adam.step();
    loss_value = loss.item();
  };
  for (std::int64_t i = 0; i < warmup; ++i) step();
  std::vector<double> times;
  for (std::int64_t i = 0; i < steps; ++i) {
    const auto t0 = Clock::now();
    step();
    times.push_back(seconds_since(t0));
  }
  const double median = percentile(times, 50);
  const double flops = step_flops(static_cast<double>(p.d_model), static_cast<double>(p.d_ff),
                                  static_cast<double>(p.layers), static_cast<double>(V),
                                  static_cast<double>(B), static_cast<double>(S), static_cast<double>(T));
  const double decode_bytes =
      decode_weight_bytes(static_cast<double>(p.d_model), static_cast<double>(p.d_ff),
                          static_cast<double>(p.layers), static_cast<double>(V), static_cast<double>(T));
  const double rss_train = peak_rss_mib();
  const double tensors_peak = static_cast<double>(cache_stats().peak_in_use_bytes) / (1 << 20);

  double batched = 0, one_at_a_time = 0;
  if (decode_n > 0) {
    model.eval();
    NoGradGuard no_grad;
    const Tensor sources = randint(2, V, {decode_n, S}, gen);
    greedy(model, sources.narrow(0, 0, 2), 4);  // warm-up
    auto t0 = Clock::now();
    greedy(model, sources, T);
    batched = seconds_since(t0);
    t0 = Clock::now();
    for (std::int64_t i = 0; i < decode_n; ++i) greedy(model, sources.narrow(0, i, 1), T);
    one_at_a_time = seconds_since(t0);
  }
  const double rss_peak = peak_rss_mib();

  if (flag(argc, argv, "json")) {
    std::printf(
        "{\"preset\": \"%s\", \"threads\": %d, \"batch\": %ld, \"src_len\": %ld, \"tgt_len\": %ld, "
        "\"vocab\": %ld, "
        "\"params\": %ld, \"ms_step_median\": %.3f, \"ms_step_p10\": %.3f, \"ms_step_p90\": %.3f, "
        "\"tgt_tok_per_s\": %.1f, \"step_gflop\": %.4f, \"gflops\": %.2f, \"final_loss\": %.6f, "
        "\"decode_batched_s\": %.4f, \"decode_one_at_a_time_s\": %.4f, \"decode_weight_mb\": %.3f, "
        "\"rss_before_train_mib\": %.1f, "
        "\"rss_after_train_mib\": %.1f, \"rss_peak_mib\": %.1f, \"tensors_before_train_mib\": %.1f, "
        "\"tensors_peak_train_mib\": %.1f}\n",
        preset_name.c_str(), threads, static_cast<long>(B), static_cast<long>(S), static_cast<long>(T),
        static_cast<long>(V), static_cast<long>(model.parameter_count()), median * 1e3,
        percentile(times, 10) * 1e3, percentile(times, 90) * 1e3, static_cast<double>(B * T) / median,
        flops / 1e9, flops / median / 1e9, loss_value, batched, one_at_a_time,
        static_cast<double>(decode_n) * decode_bytes / 1e6, rss_before, rss_train, rss_peak, tensors_before,
        tensors_peak);
  } else {
    std::printf(
        "scratchformer threads=%d preset=%s d_model=%ld heads=%ld layers=%ld+%ld d_ff=%ld batch=%ld src=%ld "
        "tgt=%ld vocab=%ld dropout=%.2f params=%.2fM\n",
        threads, preset_name.c_str(), static_cast<long>(p.d_model), static_cast<long>(p.heads),
        static_cast<long>(p.layers), static_cast<long>(p.layers), static_cast<long>(p.d_ff),
        static_cast<long>(B), static_cast<long>(S), static_cast<long>(T), static_cast<long>(V), dropout,
        static_cast<double>(model.parameter_count()) / 1e6);
    std::printf(
        "train step: median %.2f ms [p10 %.2f .. p90 %.2f] over %ld steps (+%ld warm-up); %.0f tgt tok/s; "
        "%.2f GFLOP/step -> %.1f GFLOP/s\n",
        median * 1e3, percentile(times, 10) * 1e3, percentile(times, 90) * 1e3, static_cast<long>(steps),
        static_cast<long>(warmup), static_cast<double>(B * T) / median, flops / 1e9, flops / median / 1e9);
    if (decode_n > 0)
      std::printf(
          "greedy decode %ld sentences x %ld tokens (KV cache): batched %.3f s, one at a time %.3f s "
          "(%.1f MB of weights read per sentence at least)\n",
          static_cast<long>(decode_n), static_cast<long>(T), batched, one_at_a_time, decode_bytes / 1e6);
    std::printf(
        "peak RSS %.0f MiB (before training %.0f MiB, after training %.0f MiB); tensors in use: %.1f MiB "
        "before training, at most %.1f MiB during a step\n",
        rss_peak, rss_before, rss_train, tensors_before, tensors_peak);
  }
  return 0;
}
