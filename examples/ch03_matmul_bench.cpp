// ch03_matmul_bench: chapter 3's products timed on this machine (docs/03-matmul.md, "Performance
// note"). The FMA peak and how many independent chains reach it; what waking a worker costs; the
// ladder at 512³ and 1024³; eight per-head products against one wide one, and 24 words one by one
// against all at once; one thread against two. About two minutes; keep the machine quiet. The
// numbers depend on the machine, so no test compares them (ch03_matmul prints the ones that do not).
//
//   ch03_matmul_bench                    prints the timings
//   ch03_matmul_bench --svg DIR          ... and writes DIR/ch03_ladder.svg and DIR/ch03_chains.svg
//   --peak GFLOPS                        use this one-thread FMA peak instead of measuring it
//   --repeats N                          timing samples per figure (default 5)
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "core/core.hpp"
#include "core/gemm/gemm.hpp"
#include "core/gemm/microkernels.hpp"  // internal: cpu_supports, to pick the widest FMA loop
#include "core/parallel/thread_pool.hpp"
#include "examples/ch03_matmul.hpp"
#include "examples/common/svg.hpp"

using namespace sf;
using namespace ch03;

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Timing {
  double median, best;  // seconds per call
};

// Calls `call` once to warm up (packing buffers grow, the pool starts), then takes `samples` samples,
// each the mean time of as many calls as fill `min_seconds` (at least one).
template <class F>
Timing time_per_call(F&& call, int samples, double min_seconds = 0.2) {
  call();
  std::vector<double> per_call;
  for (int s = 0; s < samples; ++s) {
    i64 calls = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      call();
      ++calls;
      elapsed = seconds_since(start);
    } while (elapsed < min_seconds);
    per_call.push_back(elapsed / double(calls));
  }
  std::sort(per_call.begin(), per_call.end());
  const std::size_t n = per_call.size();
  return {n % 2 ? per_call[n / 2] : (per_call[n / 2 - 1] + per_call[n / 2]) / 2, per_call.front()};
}

#if defined(__x86_64__)
// CHAINS independent accumulators, each a chain of dependent FMAs (acc = acc·a + b): with fewer
// chains than FMA latency × FMA pipes, the pipes wait for results; with enough, they never do.
template <int CHAINS>
__attribute__((target("avx512f"), noinline)) float fma_chains_zmm(i64 steps) {
  __m512 acc[CHAINS];
  for (int i = 0; i < CHAINS; ++i) acc[i] = _mm512_set1_ps(0.001f * float(i));
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (i64 s = 0; s < steps; ++s) {
#pragma GCC unroll 32
    for (int i = 0; i < CHAINS; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  }
  for (int i = 1; i < CHAINS; ++i) acc[0] = _mm512_add_ps(acc[0], acc[i]);
  float lanes[16];
  _mm512_storeu_ps(lanes, acc[0]);
  return lanes[0] + lanes[15];
}
template <int CHAINS>
__attribute__((target("avx2,fma"), noinline)) float fma_chains_ymm(i64 steps) {
  __m256 acc[CHAINS];
  for (int i = 0; i < CHAINS; ++i) acc[i] = _mm256_set1_ps(0.001f * float(i));
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (i64 s = 0; s < steps; ++s) {
#pragma GCC unroll 32
    for (int i = 0; i < CHAINS; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  }
  for (int i = 1; i < CHAINS; ++i) acc[0] = _mm256_add_ps(acc[0], acc[i]);
  float lanes[8];
  _mm256_storeu_ps(lanes, acc[0]);
  return lanes[0] + lanes[7];
}
#endif

struct Chains {
  int count;
  float (*run)(i64 steps);
  int lanes;
};

// The FMA loops for the widest vectors this CPU has (empty without AVX2).
std::vector<Chains> fma_loops() {
#if defined(__x86_64__)
  if (gemm::cpu_supports("avx512"))
    return {{1, fma_chains_zmm<1>, 16},   {2, fma_chains_zmm<2>, 16},  {4, fma_chains_zmm<4>, 16},
            {6, fma_chains_zmm<6>, 16},   {8, fma_chains_zmm<8>, 16},  {12, fma_chains_zmm<12>, 16},
            {16, fma_chains_zmm<16>, 16}, {24, fma_chains_zmm<24>, 16}};
  if (gemm::cpu_supports("avx2"))
    return {{1, fma_chains_ymm<1>, 8}, {2, fma_chains_ymm<2>, 8}, {4, fma_chains_ymm<4>, 8},
            {6, fma_chains_ymm<6>, 8}, {8, fma_chains_ymm<8>, 8}, {12, fma_chains_ymm<12>, 8}};
#endif
  return {};
}

// GFLOP/s of one FMA loop on `threads` threads at once (each runs the whole loop).
double fma_rate(const Chains& c, int threads, int samples) {
  const i64 steps = 20'000'000 / c.count;
  volatile float sink = 0;
  const Timing t = time_per_call(
      [&] {
        parallel_team(threads, [&](const Team&) {
          const float r = c.run(steps);
          if (r == 12345.0f) sink = r;  // keeps the result alive
        });
      },
      samples, 0.1);
  return threads * 2.0 * c.lanes * c.count * double(steps) / t.median / 1e9;
}

double gflops(i64 M, i64 N, i64 K, double seconds) { return double(flops(M, N, K)) / seconds / 1e9; }

struct Options {
  std::string svg_dir;
  double peak = 0;  // 0: measure it
  int repeats = 5;
};

void bench(const Options& o) {
  std::cout << std::fixed << std::setprecision(1);
  const int saved = num_threads();
  std::cout << "=== bench: machine ===\nmicrokernel " << gemm::simd_kernel_name() << ", "
            << std::thread::hardware_concurrency() << " hardware threads, " << o.repeats
            << " samples per figure (median / best)\n";

  // The FMA peak, and how many independent chains it takes to reach it.
  set_num_threads(2);
  const std::vector<Chains> loops = fma_loops();
  std::vector<double> chain_x, chain_rate;
  double peak1 = o.peak, peak2 = 0;
  for (const Chains& c : loops) {
    chain_x.push_back(c.count);
    chain_rate.push_back(fma_rate(c, 1, o.repeats));
    std::cout << "FMA, " << c.lanes << " floats per vector, " << std::setw(2) << c.count
              << " independent chains, 1 thread: " << chain_rate.back() << " GFLOP/s\n";
    if (o.peak == 0) peak1 = std::max(peak1, chain_rate.back());
  }
  if (!loops.empty() && std::thread::hardware_concurrency() >= 2) {
    peak2 = fma_rate(loops.back(), 2, o.repeats);
    std::cout << "FMA, " << loops.back().count << " chains, 2 threads: " << peak2 << " GFLOP/s\n";
  }
  std::cout << "peak used below: " << peak1 << " GFLOP/s on 1 thread (" << (o.peak ? "--peak" : "measured")
            << ")\n";

  // What a parallel call costs before any work is done: wake a sleeping worker, wait for it.
  std::vector<double> wake;
  for (int i = 0; i < 201; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(300));  // the worker is asleep again
    const auto start = Clock::now();
    parallel_team(2, [](const Team&) {});
    wake.push_back(seconds_since(start) * 1e6);
  }
  std::sort(wake.begin(), wake.end());
  std::cout << "an empty task on a team of 2 (wakes one sleeping worker): median " << wake[100]
            << " µs, best " << wake[0] << " µs\n";

  // The ladder, single-threaded, then the threaded rung on 2 threads.
  std::cout << "\n=== bench: ladder (GFLOP/s) ===\nrung                  512³ median / best     1024³ median "
               "/ best   "
               "1024³ % of peak\n";
  std::vector<std::string> groups;
  std::vector<double> at512, at1024;
  auto ladder_row = [&](Variant v, int threads, const std::string& label) {
    set_num_threads(threads);
    groups.push_back(label);
    std::cout << std::left << std::setw(20) << label << std::right;
    for (i64 n : {512, 1024}) {
      const Floats A = random_floats(n * n, 13), B = random_floats(n * n, 14);
      Floats C(n * n);
      const Timing t = time_per_call(
          [&] {
            gemm::sgemm(v, n, n, n, 1.0f, {A.data(), n, 1}, {B.data(), n, 1}, 0.0f, {C.data(), n, 1});
          },
          o.repeats);
      (n == 512 ? at512 : at1024).push_back(gflops(n, n, n, t.median));
      std::cout << std::setw(12) << gflops(n, n, n, t.median) << " / " << std::setw(6)
                << gflops(n, n, n, t.best);
    }
    std::cout << std::setw(16) << 100.0 * at1024.back() / peak1 << "%\n";
  };
  for (Variant v : kLadder) ladder_row(v, 1, gemm::variant_name(v));
  ladder_row(Variant::threaded, 2, "threaded, 2 threads");

  // Eight per-head products against one wide product, and 24 words one by one against all at once.
  std::cout << "\n=== bench: heads and words (µs per layer's projection, median) ===\n";
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    for (i64 L : {24, 512}) {
      const i64 d = 512;
      const Floats X = random_floats(L * d, 15), W = random_floats(d * d, 16);
      Floats C(L * d);
      const Timing one = time_per_call(
          [&] {
            gemm::sgemm(L, d, d, 1.0f, {X.data(), d, 1}, {W.data(), d, 1}, 0.0f, {C.data(), d, 1});
          },
          o.repeats);
      const Timing eight = time_per_call(
          [&] {
            for (i64 i = 0; i < 8; ++i)
              gemm::sgemm(L, 64, d, 1.0f, {X.data(), d, 1}, {W.data() + 64 * i, d, 1}, 0.0f,
                          {C.data() + 64 * i, d, 1});
          },
          o.repeats);
      std::cout << threads << " thread(s), L = " << std::setw(3) << L << ": 8 × [L, 512]·[512, 64] "
                << std::setw(8) << eight.median * 1e6 << " µs (" << gflops(L, d, d, eight.median)
                << " GFLOP/s), 1 × [L, 512]·[512, 512] " << std::setw(8) << one.median * 1e6 << " µs ("
                << gflops(L, d, d, one.median)
                << " GFLOP/s); time of eight / time of one: " << std::setprecision(2)
                << eight.median / one.median << '\n'
                << std::setprecision(1);
      if (L == 24) {
        const Timing words = time_per_call(
            [&] {
              for (i64 i = 0; i < L; ++i)
                gemm::sgemm(1, d, d, 1.0f, {X.data() + i * d, d, 1}, {W.data(), d, 1}, 0.0f,
                            {C.data() + i * d, d, 1});
            },
            o.repeats);
        std::cout << threads << " thread(s), L =  24: 24 × [1, 512]·[512, 512] " << std::setw(8)
                  << words.median * 1e6 << " µs (" << gflops(L, d, d, words.median)
                  << " GFLOP/s); time of 24 / time of one: " << std::setprecision(2)
                  << words.median / one.median << '\n'
                  << std::setprecision(1);
      }
    }
  }

  // Threads pay off for large products only.
  std::cout
      << "\n=== bench: threads (threaded rung, GFLOP/s median) ===\n   n    1 thread   2 threads   ratio\n";
  for (i64 n : {64, 128, 256, 512, 1024, 2048}) {
    const Floats A = random_floats(n * n, 17), B = random_floats(n * n, 18);
    Floats C(n * n);
    double rate[2];
    for (int threads : {1, 2}) {
      set_num_threads(threads);
      const Timing t = time_per_call(
          [&] {
            gemm::sgemm(n, n, n, 1.0f, {A.data(), n, 1}, {B.data(), n, 1}, 0.0f, {C.data(), n, 1});
          },
          o.repeats);
      rate[threads - 1] = gflops(n, n, n, t.median);
    }
    std::cout << std::setw(4) << n << std::setw(12) << rate[0] << std::setw(12) << rate[1] << std::setw(8)
              << std::setprecision(2) << rate[1] / rate[0] << std::setprecision(1) << '\n';
  }
  set_num_threads(saved);

  if (!o.svg_dir.empty()) {
    svg::BarChart ladder({.title = "The ladder on this machine: square products, GFLOP/s (median)",
                          .x_label = "rung (1 thread unless marked)",
                          .y_label = "GFLOP/s",
                          .groups = groups,
                          .reference = peak1,
                          .reference_label = "FMA peak, 1 thread",
                          .width = 900});
    ladder.add_series("512³", at512);
    ladder.add_series("1024³", at1024);
    ladder.save(o.svg_dir + "/ch03_ladder.svg");
    if (!chain_x.empty()) {
      svg::LineChart chains({.title = "FMA throughput against independent accumulators, 1 thread",
                             .x_label = "independent FMA chains",
                             .y_label = "GFLOP/s"});
      chains.add_series(std::to_string(loops.front().lanes) + " floats per FMA", chain_x, chain_rate);
      chains.save(o.svg_dir + "/ch03_chains.svg");
    }
    std::cerr << "wrote " << o.svg_dir << "/ch03_ladder.svg and " << o.svg_dir << "/ch03_chains.svg\n";
  }
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--svg" && i + 1 < argc) {
      o.svg_dir = argv[++i];
    } else if (a == "--peak" && i + 1 < argc) {
      o.peak = std::atof(argv[++i]);
    } else if (a == "--repeats" && i + 1 < argc) {
      o.repeats = std::max(1, std::atoi(argv[++i]));
    } else {
      std::cerr << "usage: ch03_matmul_bench [--svg DIR] [--peak GFLOPS] [--repeats N]\n";
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  bench(parse(argc, argv));
  return 0;
}
