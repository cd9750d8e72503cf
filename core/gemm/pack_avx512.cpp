// pack_avx512.cpp: packing for the AVX-512 microkernel, with in-register 16×16 transposes.
//
// Same job and same layout as pack.hpp (read that first). The difference is speed where it
// matters: when the rows being packed are contiguous along k (A row-major, the common case, or
// B transposed, as in X·Wᵀ and Q·Kᵀ), every packed column gathers one element from each of W
// rows. Done element by element that costs about as much as the multiply itself when N (for A)
// or M (for B) is small, e.g. 2048×128×128. Here 16 rows × 16 k are loaded as 16 vectors and
// transposed in registers (4 rounds of 16 shuffles), so the gather costs a fraction of a cycle
// per element. The other orientation is a masked vector copy per k.
//
// Compiled with -mavx512f for this file only (see microkernels.cpp for the CPU check).
#if defined(__x86_64__)
#include "core/gemm/microkernels.hpp"
#include "core/gemm/transpose_avx512.hpp"

namespace sf::gemm::avx512 {
namespace {

// Rows [0, rows) of s (rows <= 16, contiguous along k) become lanes [0, rows) of the packed
// columns dst[k·W + lane]; lanes [rows, width) get zeros (width <= 16 lanes are written).
template <int W>
void pack_rows_transposed(const float* s, std::int64_t stride_r, std::int64_t rows, std::int64_t kc,
                          float* dst, int width) {
  const __mmask16 store = first_lanes(width);
  for (std::int64_t k0 = 0; k0 < kc; k0 += 16) {
    const std::int64_t kn = kc - k0 < 16 ? kc - k0 : 16;
    const __mmask16 load = first_lanes(kn);
    __m512 r[16];
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i)
      r[i] = i < rows ? _mm512_maskz_loadu_ps(load, s + i * stride_r + k0) : _mm512_setzero_ps();
    transpose16(r);
#pragma GCC unroll 16
    for (int t = 0; t < 16; ++t)
      if (t < kn) _mm512_mask_storeu_ps(dst + (k0 + t) * W, store, r[t]);
  }
}

// How many rows of k ahead the copy path prefetches: far enough that a row has arrived when the
// copy reaches it (fewer, or none, leave the copy waiting for memory; more gain nothing).
constexpr std::int64_t kPackAhead = 16;

// pack.hpp's pack_panels with vector fast paths (same arguments, same layout).
template <int W>
void pack_panels(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r,
                 std::int64_t stride_k, float* dst) {
  static_assert(W % 16 == 0 || W < 16, "a panel is narrower than one vector or a whole number of them");
  constexpr int groups = (W + 15) / 16;  // 16-row groups per panel
  const std::int64_t panels = (len + W - 1) / W;
  if (stride_r == 1) {
    // The W elements of one k are contiguous: a masked vector copy. k is the outer loop so that
    // src is read row by row (one row of a transposed A, of a row-major B), not a line per row.
    // Those rows are short (len floats, 960 bytes for an A block) and far apart (a whole matrix
    // row, 8 KiB at M = 2048), so the hardware prefetcher, which follows one page, does not see
    // the next one coming: each row would start with a trip to memory. The row kPackAhead steps
    // ahead is prefetched instead (one prefetch per 16 floats).
    std::int64_t k = 0;
    if constexpr (W == 12) {
      // Four k at a time: their 4 × 12 elements are 48 consecutive floats of the panel, so three
      // whole, aligned vectors (put together with two-source permutes) instead of four masked
      // stores, three in four of which straddle two cache lines.
      const __m512i i0 = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19);
      const __m512i i1 = _mm512_setr_epi32(4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23);
      const __m512i i2 = _mm512_setr_epi32(8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27);
      for (; k + 4 <= kc; k += 4) {
        const float* s = src + k * stride_k;
        const bool ahead = k + 4 + kPackAhead <= kc;
        for (std::int64_t p = 0; p < panels; ++p) {
          const std::int64_t rows = len - p * W < W ? len - p * W : W;
          const __mmask16 m = first_lanes(rows);
          if (ahead)
            for (int t = 0; t < 4; ++t)
              _mm_prefetch(reinterpret_cast<const char*>(s + (kPackAhead + t) * stride_k + p * W),
                           _MM_HINT_T0);
          const __m512 r0 = _mm512_maskz_loadu_ps(m, s + p * W);
          const __m512 r1 = _mm512_maskz_loadu_ps(m, s + stride_k + p * W);
          const __m512 r2 = _mm512_maskz_loadu_ps(m, s + 2 * stride_k + p * W);
          const __m512 r3 = _mm512_maskz_loadu_ps(m, s + 3 * stride_k + p * W);
          float* d = dst + p * W * kc + k * W;
          _mm512_storeu_ps(d, _mm512_permutex2var_ps(r0, i0, r1));
          _mm512_storeu_ps(d + 16, _mm512_permutex2var_ps(r1, i1, r2));
          _mm512_storeu_ps(d + 32, _mm512_permutex2var_ps(r2, i2, r3));
        }
      }
    }
    for (; k < kc; ++k) {
      const float* s = src + k * stride_k;
      const float* ahead = k + kPackAhead < kc ? s + kPackAhead * stride_k : nullptr;
      for (std::int64_t p = 0; p < panels; ++p) {
        const std::int64_t rows = len - p * W < W ? len - p * W : W;
        for (int g = 0; g < groups; ++g) {
          if (ahead != nullptr)
            _mm_prefetch(reinterpret_cast<const char*>(ahead + p * W + 16 * g), _MM_HINT_T0);
          _mm512_mask_storeu_ps(dst + p * W * kc + k * W + 16 * g, first_lanes(W - 16 * g),
                                _mm512_maskz_loadu_ps(first_lanes(rows - 16 * g), s + p * W + 16 * g));
        }
      }
    }
    return;
  }
  for (std::int64_t r0 = 0; r0 < len; r0 += W, dst += W * kc) {
    const float* s = src + r0 * stride_r;
    const std::int64_t rows = len - r0 < W ? len - r0 : W;
    if (stride_k == 1) {  // each row is contiguous along k: transpose 16×16 blocks
      for (int g = 0; g < groups; ++g) {
        const std::int64_t group_rows = rows - 16 * g < 0 ? 0 : rows - 16 * g;
        pack_rows_transposed<W>(s + 16 * g * stride_r, stride_r, group_rows < 16 ? group_rows : 16, kc,
                                dst + 16 * g, W - 16 * g < 16 ? W - 16 * g : 16);
      }
    } else {  // any other strides: element by element
      for (std::int64_t k = 0; k < kc; ++k)
        for (int i = 0; i < W; ++i) dst[k * W + i] = i < rows ? s[i * stride_r + k * stride_k] : 0.0f;
    }
  }
}

}  // namespace

void pack_a(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst) {
  pack_panels<kAvx512Blocks.mr>(len, kc, src, stride_r, stride_k, dst);
}
void pack_b(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst) {
  pack_panels<kAvx512Blocks.nr>(len, kc, src, stride_r, stride_k, dst);
}

}  // namespace sf::gemm::avx512
#endif  // __x86_64__
