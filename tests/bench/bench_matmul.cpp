// bench_matmul.cpp: GFLOP/s of every matmul rung on square and transformer-shaped products.
//
// Names: BM_Matmul/<variant>/<shape>/<M>/<N>/<K>/<op>/threads:<t>
//   variant  naive, loop_order, blocked, packed, packed_simd, threaded (gemm.hpp's Variant)
//   shape    square; peer_* = exactly the shapes of shared/peers/sgemm_peer.cpp (OpenBLAS), one
//            to one; small_* / base_* = our model presets at batch 64 × 24 tokens (T = 1536 rows):
//              small: d_model 128, 4 heads (d_k 32), d_ff 512, vocab 1000
//              base:  d_model 512, 8 heads (d_k 64), d_ff 2048, vocab 1000
//            For each Linear layer (qkv/out d→d, ffn_up d→d_ff, ffn_down d_ff→d, logits d→V) with
//            W stored [out, in]: _fwd Y = X·Wᵀ (NT), _dX = dY·W (NN), _dW = dYᵀ·X (TN); and
//            attention per (sequence, head), batched over 64·heads: attn_qk Q·Kᵀ (NT), attn_pv P·V (NN),
//            named with the batch as _x<batch>; flash_pv_* = flash_attention's block products P·V
//            (64 queries × 128 keys) over the 32 key blocks of L = 4096, V's rows 6 KiB apart as in
//            the projection's output, or contiguous, as the op copies them (chapter 5 says why).
//   op       NN, NT, TN: which operand is used transposed (stored the other way round, no copy)
//   t        sf::set_num_threads(t) (our pool; the single-threaded rungs only run with t = 1)
// The GFLOP counter is 2·M·N·K·batch·1e-9 per iteration, shown as a rate: "GFLOP=250.1/s" reads
// 250.1 GFLOP/s. Slow rungs skip big shapes (naive above 2·512³ flops, the others above 2·1024³).
//
// A second family times decoding's one-row products, which memory bounds, not arithmetic:
//   BM_DecoderRow/<variant>/<preset>/threads:<t>   one token (M = 1) through every weight a decoder
//   reads per token (per layer: self-attention in_proj 3d×d and out_proj d×d, cross-attention
//   query d×d and out_proj d×d, feed-forward d_ff×d and d×d_ff; then the logits V×d), each as x·Wᵀ.
//   presets medium (d 256, 4 layers, d_ff 1024: 15.7 MB) and base (d 512, 6 layers, d_ff 2048:
//   90.1 MB). The counter "GB" is the weights' bytes per pass, shown as a rate in GB/s. packed_simd
//   is the packing path (one thread); threaded is the default, which reads W in place
//   (core/gemm/dispatch.cpp).
//
// Examples:
//   ./bench_matmul --benchmark_filter='threaded/square/1024/.*/threads:1'
//   ./bench_matmul --benchmark_filter='/(peer|small|base)_' --benchmark_min_time=0.2
//   ./bench_matmul --benchmark_filter='square/512/' (every rung at 512)
//   ./bench_matmul --benchmark_filter=DecoderRow
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/aligned.hpp"
#include "core/gemm/gemm.hpp"
#include "core/parallel/thread_pool.hpp"
#include "core/random.hpp"

namespace {

using sf::gemm::Variant;
using i64 = std::int64_t;

// Operands 64-byte aligned, as sf::Tensor's storage and the OpenBLAS peer's buffers are.
using Floats = sf::AlignedVector<float>;

// n floats uniform in [-1, 1) from g.
Floats random_floats(sf::Generator& g, i64 n) {
  Floats v(static_cast<std::size_t>(n));
  for (auto& x : v) x = 2.0f * g.uniform_float() - 1.0f;
  return v;
}

struct Shape {
  std::string name;
  i64 batch, M, N, K;
  bool ta, tb;  // op(A) = Aᵀ (A stored K×M), op(B) = Bᵀ (B stored N×K)
  i64 ldb = 0;  // B's row stride when its rows are not packed side by side (B not transposed); 0: N
};

void add_linear(std::vector<Shape>& out, const std::string& preset, const std::string& layer, i64 T, i64 in,
                i64 out_features) {
  out.push_back({preset + "_" + layer + "_fwd", 1, T, out_features, in, false, true});  // Y  = X·Wᵀ
  out.push_back({preset + "_" + layer + "_dX", 1, T, in, out_features, false, false});  // dX = dY·W
  out.push_back({preset + "_" + layer + "_dW", 1, out_features, in, T, true, false});   // dW = dYᵀ·X
}

void add_preset(std::vector<Shape>& out, const std::string& preset, i64 d, i64 heads, i64 d_ff, i64 vocab) {
  const i64 T = 64 * 24, L = 24, d_k = d / heads, batch = 64 * heads;
  add_linear(out, preset, "qkv", T, d, d);
  add_linear(out, preset, "ffn_up", T, d, d_ff);
  add_linear(out, preset, "ffn_down", T, d_ff, d);
  add_linear(out, preset, "logits", T, d, vocab);
  const std::string x = "_x" + std::to_string(batch);
  out.push_back({preset + "_attn_qk" + x, batch, L, L, d_k, false, true});   // S = Q·Kᵀ
  out.push_back({preset + "_attn_pv" + x, batch, L, d_k, L, false, false});  // O = P·V
}

std::vector<Shape> all_shapes() {
  std::vector<Shape> s;
  for (i64 n : {64, 128, 256, 512, 1024, 2048}) s.push_back({"square", 1, n, n, n, false, false});
  // shared/peers/sgemm_peer.cpp's list, in its order (T = 2048).
  s.push_back({"peer_d256_qkv_fwd", 1, 2048, 256, 256, false, true});
  s.push_back({"peer_d256_ffn_up_fwd", 1, 2048, 1024, 256, false, true});
  s.push_back({"peer_d256_ffn_down_fwd", 1, 2048, 256, 1024, false, true});
  s.push_back({"peer_d256_ffn_up_dX", 1, 2048, 256, 1024, false, false});
  s.push_back({"peer_d256_ffn_up_dW", 1, 1024, 256, 2048, true, false});
  s.push_back({"peer_d256_logits_fwd", 1, 2048, 1000, 256, false, true});
  s.push_back({"peer_d128_qkv_fwd", 1, 2048, 128, 128, false, true});
  s.push_back({"peer_d128_ffn_up_fwd", 1, 2048, 512, 128, false, true});
  s.push_back({"peer_d128_ffn_up_dW", 1, 512, 128, 2048, true, false});
  s.push_back({"peer_d512_qkv_fwd", 1, 2048, 512, 512, false, true});
  s.push_back({"peer_d512_ffn_up_fwd", 1, 2048, 2048, 512, false, true});
  s.push_back({"peer_d512_ffn_up_dW", 1, 2048, 512, 2048, true, false});
  s.push_back({"peer_d128_T800_fwd", 1, 800, 512, 128, false, true});
  s.push_back({"peer_attn_qk_L32", 1, 32, 32, 32, false, true});
  s.push_back({"peer_attn_pv_L32", 1, 32, 32, 32, false, false});
  s.push_back({"peer_attn_qk_L128", 1, 128, 128, 64, false, true});
  s.push_back({"peer_attn_qk_L512", 1, 512, 512, 64, false, true});
  s.push_back({"peer_attn_pv_L512", 1, 512, 64, 512, false, false});
  // The block products of flash_attention's walk, P·V for 64 queries and 128 keys (d_k 64), for the 32
  // key blocks of L = 4096 one after the other: V read in place from the projection's output
  // [L, 3·512] (rows 6 KiB apart: the caches' sets crowd, chapter 5), and V copied into contiguous
  // rows first, as the op does.
  s.push_back({"flash_pv_x32_rows_6KiB_apart", 32, 64, 64, 128, false, false, 3 * 512});
  s.push_back({"flash_pv_x32_rows_contiguous", 32, 64, 64, 128, false, false});
  add_preset(s, "small", 128, 4, 512, 1000);
  add_preset(s, "base", 512, 8, 2048, 1000);
  return s;
}

void run_matmul(benchmark::State& state, Variant variant, const Shape& s, int threads) {
  sf::set_num_threads(threads);
  sf::Generator g(1);
  const i64 ldb = s.ldb > 0 ? s.ldb : s.N;  // (s.ldb only for a B that is not transposed)
  const Floats A = random_floats(g, s.batch * s.M * s.K), B = random_floats(g, s.batch * s.K * ldb);
  Floats C(static_cast<std::size_t>(s.batch * s.M * s.N));
  const sf::gemm::Matrix<const float> a{A.data(), s.ta ? 1 : s.K, s.ta ? s.M : 1};
  const sf::gemm::Matrix<const float> b{B.data(), s.tb ? 1 : ldb, s.tb ? s.K : 1};
  for (auto _ : state) {
    sf::gemm::sgemm_batched(variant, s.batch, s.M, s.N, s.K, 1.0f, a, s.M * s.K, b, s.K * ldb, 0.0f,
                            {C.data(), s.N, 1}, s.M * s.N);
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP"] = benchmark::Counter(2.0 * s.M * s.N * s.K * s.batch * 1e-9,
                                               benchmark::Counter::kIsIterationInvariantRate);
  if (variant == Variant::packed_simd || variant == Variant::threaded)
    state.SetLabel(sf::gemm::simd_kernel_name());
}

// The weights (out × in, row-major) that decoding one token multiplies, in the order it meets them.
std::vector<std::pair<i64, i64>> decoder_weights(i64 d, i64 layers, i64 d_ff, i64 vocab) {
  std::vector<std::pair<i64, i64>> w;
  for (i64 l = 0; l < layers; ++l)
    for (auto shape : {std::pair{3 * d, d}, {d, d}, {d, d}, {d, d}, {d_ff, d}, {d, d_ff}}) w.push_back(shape);
  w.push_back({vocab, d});
  return w;
}

void run_decoder_row(benchmark::State& state, Variant variant, i64 d, i64 layers, i64 d_ff, int threads) {
  sf::set_num_threads(threads);
  sf::Generator g(1);
  const auto shapes = decoder_weights(d, layers, d_ff, 1000);
  std::vector<Floats> weights;
  double bytes = 0;
  i64 widest = 0;  // the longest row of x or y any product needs
  for (auto [n, k] : shapes) {
    weights.push_back(random_floats(g, n * k));
    bytes += 4.0 * double(n) * double(k);
    widest = std::max({widest, n, k});
  }
  Floats x(static_cast<std::size_t>(widest), 0.5f), y(static_cast<std::size_t>(widest));
  for (auto _ : state) {
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      const auto [n, k] = shapes[i];
      sf::gemm::sgemm(variant, 1, n, k, 1.0f, {x.data(), k, 1}, {weights[i].data(), 1, k}, 0.0f,
                      {y.data(), n, 1});
    }
    benchmark::ClobberMemory();
  }
  state.counters["GB"] = benchmark::Counter(bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void register_decoder_rows() {
  struct Preset {
    const char* name;
    i64 d, layers, d_ff;
  };
  for (const Preset p : {Preset{"medium", 256, 4, 1024}, Preset{"base", 512, 6, 2048}})
    for (const Variant v : {Variant::packed_simd, Variant::threaded})
      for (int threads : {1, 2}) {
        if (threads > 1 && v != Variant::threaded) continue;
        const std::string name = "BM_DecoderRow/" + std::string(sf::gemm::variant_name(v)) + "/" + p.name +
                                 "/threads:" + std::to_string(threads);
        benchmark::RegisterBenchmark(
            name.c_str(),
            [p, v, threads](benchmark::State& st) { run_decoder_row(st, v, p.d, p.layers, p.d_ff, threads); })
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
      }
}

void register_all() {
  const Variant variants[] = {Variant::naive,  Variant::loop_order,  Variant::blocked,
                              Variant::packed, Variant::packed_simd, Variant::threaded};
  for (const Shape& s : all_shapes()) {
    const double flops = 2.0 * s.M * s.N * s.K * s.batch;
    for (Variant v : variants) {
      if (v == Variant::naive && flops > 2.0 * 512 * 512 * 512) continue;
      if (v != Variant::packed_simd && v != Variant::threaded && flops > 2.0 * 1024 * 1024 * 1024) continue;
      for (int threads : {1, 2}) {
        if (threads > 1 && v != Variant::threaded) continue;
        const std::string op = std::string(s.ta ? "T" : "N") + (s.tb ? "T" : "N");
        const std::string name = "BM_Matmul/" + std::string(sf::gemm::variant_name(v)) + "/" + s.name + "/" +
                                 std::to_string(s.M) + "/" + std::to_string(s.N) + "/" + std::to_string(s.K) +
                                 "/" + op + "/threads:" + std::to_string(threads);
        benchmark::RegisterBenchmark(name.c_str(),
                                     [v, s, threads](benchmark::State& st) { run_matmul(st, v, s, threads); })
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  register_decoder_rows();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
