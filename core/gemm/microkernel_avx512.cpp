// microkernel_avx512.cpp: the 12×32 register-tile microkernel with AVX-512 intrinsics.
//
// Same loop as microkernel_scalar.cpp, written for the hardware: the 12×32 tile of C is 24 zmm
// registers (12 rows × 2 vectors of 16 floats). One step of the k loop loads one row of the B
// micro-panel (2 vectors), then for each of the 12 rows broadcasts A[i, k] to all 16 lanes and
// does 2 fused multiply-adds: 24 FMAs for 2 loads and 12 broadcasts. On Zen 5 two FMA pipes take
// one zmm FMA each per cycle with a latency of 4 cycles, so the 24 independent accumulators keep
// both pipes busy (8 would be the minimum) and the loop can run at the FMA peak when its data is
// in cache; everything around it (packing, the five loops) is about keeping it that way.
//
// A second entry point, microkernel_direct, computes the same tile from unpacked operands (for
// small products and for A when N is small: the dispatcher's fast paths, dispatch.cpp).
//
// Compiled with -mavx512f (CMake sets it for this file only) and called only after the CPU has
// been checked (microkernels.cpp). It uses intrinsics and nothing from the standard library, so no
// AVX-512 code can leak into functions shared with other files.
#if defined(__x86_64__)
#include <immintrin.h>

#include "core/gemm/microkernels.hpp"

namespace sf::gemm::avx512 {
namespace {

constexpr int MR = kAvx512Blocks.mr;       // 12 rows
constexpr int NV = kAvx512Blocks.nr / 16;  // 2 zmm vectors per row
static_assert(kAvx512Blocks.nr % 16 == 0, "NR must be a whole number of zmm vectors");

// The first `lanes` lanes (0..16) of a vector.
inline __mmask16 first_lanes(int lanes) {
  return lanes >= 16 ? __mmask16(0xFFFF) : lanes <= 0 ? __mmask16(0) : __mmask16((1u << lanes) - 1);
}

// Asks for the m rows of a C tile (2 cache lines each) to be brought into L2 (_MM_HINT_T1) or L1
// (_MM_HINT_T0). The tile is needed only after the k loop: into L2 at the start (in L1 it would be
// evicted by the streaming A and B long before the end), into L1 a few dozen k steps before the end.
inline void prefetch_c(const float* c, std::int64_t rs_c, int m, int hint) {
  for (int i = 0; i < m; ++i) {
    const char* row = reinterpret_cast<const char*>(c + i * rs_c);
    if (hint == _MM_HINT_T0) {
      _mm_prefetch(row, _MM_HINT_T0);
      _mm_prefetch(row + 4 * (16 * NV - 1), _MM_HINT_T0);
    } else {
      _mm_prefetch(row, _MM_HINT_T1);
      _mm_prefetch(row + 4 * (16 * NV - 1), _MM_HINT_T1);
    }
  }
}
constexpr std::int64_t kPrefetchSteps = 24;  // k steps before the end at which C goes to L1

// [doc:rank1-update]
// acc += a[0:MR] ⊗ b[0:NR] for one k (V = 1: only the first 16 columns, for a narrow edge).
template <int V = NV>
inline __attribute__((always_inline)) void rank1_update(__m512 (&acc)[MR][V], const float* a,
                                                        const float* b) {
  __m512 bv[V];
#pragma GCC unroll 4
  for (int j = 0; j < V; ++j) bv[j] = _mm512_load_ps(b + 16 * j);
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    const __m512 ai = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
    for (int j = 0; j < V; ++j) acc[i][j] = _mm512_fmadd_ps(ai, bv[j], acc[i][j]);
  }
}
// [doc:end]

// C = alpha·acc + beta·C on the real m×n corner of the tile; masked loads and stores leave the
// rest of C alone. The one place where C is read and written.
template <int ROWS, int V = NV>
inline __attribute__((always_inline)) void store_tile(const __m512 (&acc)[ROWS][V], float alpha, float beta,
                                                      float* c, std::int64_t rs_c, int m, int n) {
  __mmask16 mask[V];
#pragma GCC unroll 4
  for (int j = 0; j < V; ++j) mask[j] = first_lanes(n - 16 * j);
  const __m512 va = _mm512_set1_ps(alpha);
  const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 16
  for (int i = 0; i < ROWS; ++i) {
    if (i >= m) break;
    float* ci = c + i * rs_c;
#pragma GCC unroll 4
    for (int j = 0; j < V; ++j) {
      __m512 r;
      if (beta == 0.0f) {  // C is not read (it may hold NaN); 1·acc is acc, so alpha == 1 skips the
        r = alpha == 1.0f ? acc[i][j] : _mm512_mul_ps(va, acc[i][j]);  // multiply (24 per 12-row tile)
      } else {
        r = _mm512_fmadd_ps(va, acc[i][j], _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(mask[j], ci + 16 * j)));
      }
      _mm512_mask_storeu_ps(ci + 16 * j, mask[j], r);
    }
  }
}

// The last micro-panel of B when N leaves 16 columns or fewer in it (N = 1000: 8 of 32): a 12×16
// tile, one vector per row, reading the first 16 lanes of each 32-wide row of the packed panel.
// The columns it computes get the same FMAs in the same order as in the full tile, so the same
// bits, for half the work.
void microkernel_edge16(std::int64_t kc, const float* a, const float* b, float alpha, float beta, float* c,
                        std::int64_t rs_c, int m, int n) {
  __m512 acc[MR][1];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) acc[i][0] = _mm512_setzero_ps();
  prefetch_c(c, rs_c, m, _MM_HINT_T1);
  for (std::int64_t k = 0; k < kc; ++k, a += MR, b += 16 * NV) rank1_update<1>(acc, a, b);
  store_tile<MR, 1>(acc, alpha, beta, c, rs_c, m, n);
}
}  // namespace

// [doc:microkernel-avx512]
void microkernel(std::int64_t kc, const float* a, const float* b, float alpha, float beta, float* c,
                 std::int64_t rs_c, int m, int n) {
  if (n <= 16) return microkernel_edge16(kc, a, b, alpha, beta, c, rs_c, m, n);  // a narrow last panel
  __m512 acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[i][j] = _mm512_setzero_ps();

  prefetch_c(c, rs_c, m, _MM_HINT_T1);
  // The k loop, four steps per trip to save loop overhead (the order of the k steps is unchanged).
  const std::int64_t k_main = kc > kPrefetchSteps ? kc - kPrefetchSteps : 0;
  std::int64_t k = 0;
  for (; k + 4 <= k_main; k += 4, a += 4 * MR, b += 4 * 16 * NV) {
    rank1_update(acc, a, b);
    rank1_update(acc, a + MR, b + 16 * NV);
    rank1_update(acc, a + 2 * MR, b + 2 * 16 * NV);
    rank1_update(acc, a + 3 * MR, b + 3 * 16 * NV);
  }
  prefetch_c(c, rs_c, m, _MM_HINT_T0);
  for (; k < kc; ++k, a += MR, b += 16 * NV) rank1_update(acc, a, b);

  store_tile<MR>(acc, alpha, beta, c, rs_c, m, n);
}
// [doc:end]

namespace {

// The same tile without packing, for small products (dispatch.cpp): A is read in place, element
// (i, k) at a[i·rs_a + k·cs_a] (a broadcast reads one float, so any strides will do), and row k
// of B at b + k·ldb, loaded with masks so that an edge tile (n < NR) reads only its n columns.
// ROWS = 4, 8 or 12 rows: an edge of m <= 8 rows does not pay for 12.
// Not inlined, on purpose: inlined into microkernel_direct, every tile's row pointers were worked
// out at its entry and kept on the stack across the tiles, 120 instructions before the first FMA;
// called, each tile sets up its own 8 or 12 pointers in registers.
template <int ROWS>
__attribute__((noinline)) void direct_tile(std::int64_t kc, const float* a, std::int64_t rs_a,
                                           std::int64_t cs_a, const float* b, std::int64_t ldb, float alpha,
                                           float beta, float* c, std::int64_t rs_c, int m, int n) {
  const float* row[ROWS];
#pragma GCC unroll 16
  for (int i = 0; i < ROWS; ++i) row[i] = a + (i < m ? i : 0) * rs_a;  // rows past m re-read row 0
  __mmask16 mask[NV];
#pragma GCC unroll 4
  for (int j = 0; j < NV; ++j) mask[j] = first_lanes(n - 16 * j);
  __m512 acc[ROWS][NV];
#pragma GCC unroll 16
  for (int i = 0; i < ROWS; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[i][j] = _mm512_setzero_ps();
  // One k step: row k of B times column k of A's rows; b and offset move on to the next k.
  std::int64_t offset = 0;
  auto step = [&]() __attribute__((always_inline)) {
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) bv[j] = _mm512_maskz_loadu_ps(mask[j], b + 16 * j);
#pragma GCC unroll 16
    for (int i = 0; i < ROWS; ++i) {
      const __m512 ai = _mm512_set1_ps(row[i][offset]);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[i][j] = _mm512_fmadd_ps(ai, bv[j], acc[i][j]);
    }
    b += ldb;
    offset += cs_a;
  };
  // Prefetch C only when the k loop is long enough to hide it (with a short loop, 24 steps say, the
  // prefetches cost more than they save). Two loops, so that no k step tests for the prefetch.
  std::int64_t k = 0;
  if (kc >= 4 * kPrefetchSteps) {
    prefetch_c(c, rs_c, m, _MM_HINT_T1);
    for (; k < kc - kPrefetchSteps; ++k) step();
    prefetch_c(c, rs_c, m, _MM_HINT_T0);
  }
  for (; k < kc; ++k) step();
  store_tile<ROWS>(acc, alpha, beta, c, rs_c, m, n);
}

}  // namespace

// A column of tiles (a single call computes a small product's whole column of tiles, so the tiles
// run back to back with no call between them): 8 rows at a time when K is short, 12 otherwise
// (kAvx512DirectShortK in block_sizes.hpp says why).
void microkernel_direct(std::int64_t kc, const float* a, std::int64_t rs_a, std::int64_t cs_a, const float* b,
                        std::int64_t ldb, float alpha, float beta, float* c, std::int64_t rs_c, int m,
                        int n) {
  if (kc <= kAvx512DirectShortK) {
    for (; m > 8; m -= 8, a += 8 * rs_a, c += 8 * rs_c)
      direct_tile<8>(kc, a, rs_a, cs_a, b, ldb, alpha, beta, c, rs_c, 8, n);
  } else {
    for (; m > MR; m -= MR, a += MR * rs_a, c += MR * rs_c)
      direct_tile<MR>(kc, a, rs_a, cs_a, b, ldb, alpha, beta, c, rs_c, MR, n);
  }
  if (m <= 4) return direct_tile<4>(kc, a, rs_a, cs_a, b, ldb, alpha, beta, c, rs_c, m, n);
  if (m <= 8) return direct_tile<8>(kc, a, rs_a, cs_a, b, ldb, alpha, beta, c, rs_c, m, n);
  direct_tile<MR>(kc, a, rs_a, cs_a, b, ldb, alpha, beta, c, rs_c, m, n);
}

}  // namespace sf::gemm::avx512
#endif  // __x86_64__
