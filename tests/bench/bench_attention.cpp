// bench_attention.cpp: multi-head attention forward + backward, the plain path against the O(L) one.
//
// Names: BM_Attention/<path>/<L>/threads:<t>
//   path  plain: the weights [B, heads, L, L] in memory (what MultiHeadAttention runs when the weights
//         are asked for); flash: flash_attention, O(L) memory (what training runs)
//   L     sequence length; d_model 512, 8 heads, batch 1, self-attention, no mask, no dropout: the
//         settings of tests/bench/attention_vs_pytorch.py, which runs torch.nn.MultiheadAttention
//         (need_weights=False) the same way
//   t     sf::set_num_threads(t)
// One iteration: y = mha(x, x, x), then backward from a fixed random dL/dy into x and every parameter.
// Counters: tensors_MiB, the most memory the tensors held during an iteration above what they held
// before it (the block cache's peak: core/block_cache.hpp); rss_rise_MiB, the process's peak resident
// memory (VmHWM) above its level when the process started, meaningful when one benchmark runs
// alone in a fresh process (attention_vs_pytorch.py runs each so).
//
// Examples:
//   ./bench_attention
//   ./bench_attention --benchmark_filter='flash/4096/threads:1'
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "core/block_cache.hpp"
#include "core/core.hpp"
#include "core/parallel/thread_pool.hpp"
#include "nn/multi_head_attention.hpp"

namespace {

/// The process's peak resident memory so far (VmHWM of /proc/self/status), in MiB; 0 if unknown.
double peak_rss_mib() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double kib = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, "VmHWM:", 6) == 0) kib = std::strtod(line + 6, nullptr);
  std::fclose(f);
  return kib / 1024.0;
}

/// The process's starting level, read before any benchmark runs.
const double rss_at_start = peak_rss_mib();

void BM_Attention(benchmark::State& state, bool flash) {
  const std::int64_t L = state.range(0), E = 512, heads = 8;
  sf::set_num_threads(state.range(1));
  sf::Generator gen(1);
  sf::nn::MultiHeadAttention mha({.d_model = E, .heads = heads}, gen);
  sf::Tensor x = sf::randn({1, L, E}, gen).requires_grad_();
  const sf::Tensor dy = sf::randn({1, L, E}, gen);
  double tensors_peak = 0;
  for (auto _ : state) {
    const double before = static_cast<double>(sf::cache_stats().in_use_bytes);
    sf::reset_peak_in_use();
    sf::Tensor weights;
    const sf::Tensor y = mha(x, x, x, {}, flash ? nullptr : &weights);
    y.backward(dy);
    weights = sf::Tensor();
    const double rise = static_cast<double>(sf::cache_stats().peak_in_use_bytes) - before;
    tensors_peak = rise > tensors_peak ? rise : tensors_peak;
    mha.zero_grad();
    x.set_grad(sf::Tensor());
  }
  state.counters["tensors_MiB"] = tensors_peak / (1 << 20);
  state.counters["rss_rise_MiB"] = peak_rss_mib() - rss_at_start;
}

void lengths(benchmark::internal::Benchmark* b) {
  for (const std::int64_t L : {128, 1024, 4096})
    for (const std::int64_t threads : {1, 2}) b->Args({L, threads});
  b->ArgNames({"", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK_CAPTURE(BM_Attention, plain, false)->Apply(lengths);
BENCHMARK_CAPTURE(BM_Attention, flash, true)->Apply(lengths);

}  // namespace

BENCHMARK_MAIN();
