// microkernel_scalar.cpp: the portable microkernel: one MR×NR tile of C in plain C++.
//
// This is the heart of BLIS's design: all the blocking around it exists so that this one small
// loop runs on data that is already in cache and in the right order. For every k it takes a
// column of the packed A micro-panel (MR values) and a row of the packed B micro-panel (NR
// values) and adds their outer product to MR×NR accumulators that stay in registers for all kc
// steps; C is touched once at the end, not once per k.
//
// It runs as is on any CPU (the fallback when neither AVX2 nor AVX-512 is there) and is the
// `packed` rung of the ladder. It uses std::fma, a fused multiply-add with one rounding, exactly
// what the SIMD kernels' FMA instructions do, so all kernels give bit-identical results.
// Speed depends on the build: with -march=native the compiler vectorises the j loop (and the
// kernel comes within reach of the SIMD ones); in a portable build std::fma is a library call and
// this kernel is slow, which is why the SIMD kernels exist.
#include <cmath>

#include "core/gemm/microkernels.hpp"
#include "core/gemm/pack.hpp"

namespace sf::gemm::scalar {
namespace {
constexpr int MR = kScalarBlocks.mr;
constexpr int NR = kScalarBlocks.nr;
}  // namespace

// [doc:microkernel-scalar]
void microkernel(std::int64_t kc, const float* a, const float* b, float alpha, float beta, float* c,
                 std::int64_t rs_c, int m, int n) {
  float acc[MR][NR] = {};
  for (std::int64_t k = 0; k < kc; ++k, a += MR, b += NR) {
    for (int i = 0; i < MR; ++i) {
      // Kept as a loop (not unrolled) so that the compiler turns it into vector instructions
      // where the CPU has them; on a plain x86-64 build it stays scalar.
#pragma GCC unroll 1
      for (int j = 0; j < NR; ++j) acc[i][j] = std::fma(a[i], b[j], acc[i][j]);
    }
  }
  // Only the m×n corner of the tile is real (the rest came from zero padding).
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      float& cij = c[i * rs_c + j];
      cij = beta == 0.0f ? alpha * acc[i][j] : std::fma(alpha, acc[i][j], beta * cij);
    }
  }
}
// [doc:end]

void pack_a(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst) {
  pack_panels<MR>(len, kc, src, stride_r, stride_k, dst);
}
void pack_b(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst) {
  pack_panels<NR>(len, kc, src, stride_r, stride_k, dst);
}

}  // namespace sf::gemm::scalar
