// microkernel_avx2.cpp: the 6×16 register-tile microkernel with AVX2 + FMA intrinsics.
//
// The AVX-512 kernel (microkernel_avx512.cpp) for CPUs that stop at AVX2, with half-width (8
// float) ymm vectors and 16 registers instead of 32: the 6×16 tile is 12 ymm accumulators, plus
// 2 for the row of B and 1 for the broadcast of A. 12 independent FMA chains cover 2 pipes × 4
// cycles of latency. Packing uses pack.hpp, compiled here with AVX2 so the copies vectorise.
//
// Compiled with -mavx2 -mfma for this file only; called only after the CPU check in microkernels.cpp.
#if defined(__x86_64__)
#include <immintrin.h>

#include "core/gemm/microkernels.hpp"
#include "core/gemm/pack.hpp"

namespace sf::gemm::avx2 {
namespace {

constexpr int MR = kAvx2Blocks.mr;      // 6 rows
constexpr int NV = kAvx2Blocks.nr / 8;  // 2 ymm vectors per row
static_assert(kAvx2Blocks.nr % 8 == 0, "NR must be a whole number of ymm vectors");

// All-ones in the first `lanes` lanes (AVX2 masks are vectors: the sign bit of each lane counts).
inline __m256i first_lanes(int lanes) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

}  // namespace

void microkernel(std::int64_t kc, const float* a, const float* b, float alpha, float beta, float* c,
                 std::int64_t rs_c, int m, int n) {
  __m256 acc[MR][NV];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[i][j] = _mm256_setzero_ps();

  for (std::int64_t k = 0; k < kc; ++k, a += MR, b += 8 * NV) {
    __m256 bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) bv[j] = _mm256_load_ps(b + 8 * j);
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[i][j] = _mm256_fmadd_ps(ai, bv[j], acc[i][j]);
    }
  }

  __m256i mask[NV];
#pragma GCC unroll 4
  for (int j = 0; j < NV; ++j) mask[j] = first_lanes(n - 8 * j);
  const __m256 va = _mm256_set1_ps(alpha);
  const __m256 vb = _mm256_set1_ps(beta);
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
    if (i >= m) break;
    float* ci = c + i * rs_c;
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) {
      __m256 r;
      if (beta == 0.0f) {
        r = _mm256_mul_ps(va, acc[i][j]);  // beta == 0: C is not read
      } else {
        r = _mm256_fmadd_ps(va, acc[i][j], _mm256_mul_ps(vb, _mm256_maskload_ps(ci + 8 * j, mask[j])));
      }
      _mm256_maskstore_ps(ci + 8 * j, mask[j], r);
    }
  }
}

void pack_a(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst) {
  pack_panels<MR>(len, kc, src, stride_r, stride_k, dst);
}
void pack_b(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst) {
  pack_panels<kAvx2Blocks.nr>(len, kc, src, stride_r, stride_k, dst);
}

}  // namespace sf::gemm::avx2
#endif  // __x86_64__
