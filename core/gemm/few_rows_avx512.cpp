// few_rows_avx512.cpp: a few rows times the transpose of a row-major matrix, without packing.
//
// Decoding one sentence multiplies one row x (1×K) by a weight W (N×K, row-major): y = x·Wᵀ. The
// five loops (and the small-product path) would first pack Wᵀ into NR-wide micro-panels: a weight
// (4 MiB for base's feed-forward) read, written and read again to serve a single row, and packing
// was then a large share of decoding's time. Here W is read once, straight from its rows. Each 16×16 block
// (16 rows of W, 16 steps of k) is loaded as 16 vectors and transposed in registers (transpose_avx512.hpp),
// which gives the 16 columns Wᵀ[k, j0:j0+16] that a broadcast x[k] multiplies, one k after the other.
//
// The bits are the microkernel's: each element of C is one chain of fused multiply-adds, k
// ascending, started from zero in every KC slice, and C = alpha·sum + beta·C applied per slice
// exactly as store_tile does it (beta for the first slice, 1 for the others).
//
// What sets the speed is memory, not arithmetic: one row of A does 2 flops per 4-byte element of
// W, and a whole decoder's weights (90 MB at base size) come from DRAM. So a call reads 32 rows
// of W side by side (kFewRowsColumns), each with a software prefetch four cache lines ahead:
// fewer rows in flight than 64 let the hardware prefetcher follow them, and the FMA chains (16 in
// a row per block, 4 cycles each) cost little. (The measurements that chose these numbers: chapter
// 3's appendix, docs/appendix-a-making-matmul-fast.md.)
//
// Compiled with -mavx512f for this file only (see microkernels.cpp for the CPU check).
#if defined(__x86_64__)
#include "core/gemm/microkernels.hpp"
#include "core/gemm/transpose_avx512.hpp"

namespace sf::gemm::avx512 {
namespace {

constexpr int kGroups = kFewRowsColumns / 16;  // 16-column groups per call
constexpr std::int64_t kAhead = 64;            // prefetch distance along a row of W: 4 cache lines

// acc[r] += a_r[k] · col[t] for t < steps (the k after k0 ascending); the tail of a K that is not
// a multiple of 16 (steps < 16) stops early instead of multiplying zeros, which could turn a -0
// sum into +0 and would read A past its end.
template <int ROWS>
inline __attribute__((always_inline)) void add_block(__m512 (&acc)[ROWS], const __m512 (&col)[16],
                                                     const float* const (&a)[ROWS], std::int64_t cs_a,
                                                     std::int64_t k0, int steps) {
  if (steps == 16) {
#pragma GCC unroll 16
    for (int t = 0; t < 16; ++t)
#pragma GCC unroll 4
      for (int r = 0; r < ROWS; ++r)
        acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r][(k0 + t) * cs_a]), col[t], acc[r]);
    return;
  }
  for (int t = 0; t < steps; ++t)
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; ++r)
      acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r][(k0 + t) * cs_a]), col[t], acc[r]);
}

template <int ROWS>
void few_rows(std::int64_t n, std::int64_t K, float alpha, const float* a, std::int64_t rs_a,
              std::int64_t cs_a, const float* w, std::int64_t ldw, float beta, float* c, std::int64_t rs_c) {
  const float* a_row[ROWS];
#pragma GCC unroll 4
  for (int r = 0; r < ROWS; ++r) a_row[r] = a + r * rs_a;
  // Rows of W past n (in the last group) re-read its row 0; their lanes are never stored.
  const float* w_row[kGroups][16];
  __mmask16 store[kGroups];
  const int groups = static_cast<int>((n + 15) / 16);
#pragma GCC unroll 4
  for (int g = 0; g < kGroups; ++g) {
    store[g] = first_lanes(n - 16 * g);
    for (int i = 0; i < 16; ++i) w_row[g][i] = w + (16 * g + i < n ? 16 * g + i : 0) * ldw;
  }
  __m512 out[kGroups][ROWS];  // C so far, in registers across the KC slices
  for (std::int64_t pc = 0; pc < K; pc += KC) {
    const std::int64_t k_end = pc + KC < K ? pc + KC : K;
    __m512 acc[kGroups][ROWS];
#pragma GCC unroll 4
    for (int g = 0; g < kGroups; ++g)
#pragma GCC unroll 4
      for (int r = 0; r < ROWS; ++r) acc[g][r] = _mm512_setzero_ps();
    // [doc:few-rows-block]
    for (std::int64_t k0 = pc; k0 < k_end; k0 += 16) {
      const int steps = k_end - k0 < 16 ? static_cast<int>(k_end - k0) : 16;
      const __mmask16 load = first_lanes(steps);
#pragma GCC unroll 4
      for (int g = 0; g < kGroups; ++g) {
        if (g >= groups) break;
        __m512 col[16];
#pragma GCC unroll 16
        for (int i = 0; i < 16; ++i) {
          // (A prefetch past the end of a row touches the next row or nothing: it never faults.)
          _mm_prefetch(reinterpret_cast<const char*>(w_row[g][i] + k0 + kAhead), _MM_HINT_T0);
          col[i] = _mm512_maskz_loadu_ps(load, w_row[g][i] + k0);
        }
        transpose16(col);  // col[t] = W[16g : 16g+16, k0 + t]
        add_block<ROWS>(acc[g], col, a_row, cs_a, k0, steps);
      }
    }
    // [doc:end]
    // C = alpha·acc + beta·C, as store_tile computes it: beta == 0 never reads C.
    const __m512 va = _mm512_set1_ps(alpha);
#pragma GCC unroll 4
    for (int g = 0; g < kGroups; ++g) {
      if (g >= groups) break;
#pragma GCC unroll 4
      for (int r = 0; r < ROWS; ++r) {
        if (pc > 0) {
          out[g][r] = _mm512_fmadd_ps(va, acc[g][r], out[g][r]);  // later slices: beta = 1
        } else if (beta == 0.0f) {
          out[g][r] = _mm512_mul_ps(va, acc[g][r]);
        } else {
          const __m512 old = _mm512_maskz_loadu_ps(store[g], c + r * rs_c + 16 * g);
          out[g][r] = _mm512_fmadd_ps(va, acc[g][r], _mm512_mul_ps(_mm512_set1_ps(beta), old));
        }
      }
    }
  }
#pragma GCC unroll 4
  for (int g = 0; g < kGroups; ++g) {
    if (g >= groups) break;
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; ++r) _mm512_mask_storeu_ps(c + r * rs_c + 16 * g, store[g], out[g][r]);
  }
}

}  // namespace

void few_rows_nt(int m, std::int64_t n, std::int64_t K, float alpha, const float* a, std::int64_t rs_a,
                 std::int64_t cs_a, const float* w, std::int64_t ldw, float beta, float* c,
                 std::int64_t rs_c) {
  switch (m) {
    case 1:
      return few_rows<1>(n, K, alpha, a, rs_a, cs_a, w, ldw, beta, c, rs_c);
    case 2:
      return few_rows<2>(n, K, alpha, a, rs_a, cs_a, w, ldw, beta, c, rs_c);
    case 3:
      return few_rows<3>(n, K, alpha, a, rs_a, cs_a, w, ldw, beta, c, rs_c);
    default:
      return few_rows<4>(n, K, alpha, a, rs_a, cs_a, w, ldw, beta, c, rs_c);
  }
}

}  // namespace sf::gemm::avx512
#endif  // __x86_64__
