// transpose_avx512.hpp: two AVX-512 helpers shared by the files compiled for AVX-512 (internal).
//
// Include only from a file compiled with -mavx512f (pack_avx512.cpp, few_rows_avx512.cpp).
#pragma once
#if defined(__x86_64__)
// GCC 12 wrongly warns that the deliberately undefined vector inside some of its own AVX-512
// shuffle intrinsics (_mm512_undefined_ps) is "(maybe) used uninitialized"; silence that header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif

#include <cstdint>

namespace sf::gemm::avx512 {

// The first `lanes` lanes (0..16) of a vector, as a mask.
inline __mmask16 first_lanes(std::int64_t lanes) {
  return lanes >= 16 ? __mmask16(0xFFFF) : lanes <= 0 ? __mmask16(0) : __mmask16((1u << lanes) - 1);
}

// Transposes the 16×16 block held in r (r[i] = row i): afterwards r[k] = column k.
inline void transpose16(__m512 (&r)[16]) {
  __m512 t[16];
  // (Every loop below has a fixed count and is fully unrolled, so the arrays live in registers.)
  // Round 1: interleave pairs of rows, per 128-bit lane: t[2p] = (r0[4l], r1[4l], r0[4l+1], r1[4l+1]).
#pragma GCC unroll 8
  for (int p = 0; p < 8; ++p) {
    t[2 * p] = _mm512_unpacklo_ps(r[2 * p], r[2 * p + 1]);
    t[2 * p + 1] = _mm512_unpackhi_ps(r[2 * p], r[2 * p + 1]);
  }
  // Round 2: pairs of pairs, as 64-bit elements: u[4q + s] holds rows 4q..4q+3 at k = 4l + s.
  __m512 u[16];
#pragma GCC unroll 4
  for (int q = 0; q < 4; ++q) {
    const __m512d t0 = _mm512_castps_pd(t[4 * q]), t1 = _mm512_castps_pd(t[4 * q + 1]);
    const __m512d t2 = _mm512_castps_pd(t[4 * q + 2]), t3 = _mm512_castps_pd(t[4 * q + 3]);
    u[4 * q + 0] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
    u[4 * q + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
    u[4 * q + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
    u[4 * q + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
  }
  // Rounds 3 and 4 move whole 128-bit lanes (4 rows of one k) into place.
  // 0x88 picks lanes (0, 2) of each source, 0xDD lanes (1, 3).
  __m512 v[16];
#pragma GCC unroll 4
  for (int s = 0; s < 4; ++s) {
    v[2 * s] = _mm512_shuffle_f32x4(u[s], u[4 + s], 0x88);           // rows 0-7, k = s and s + 8
    v[2 * s + 1] = _mm512_shuffle_f32x4(u[s], u[4 + s], 0xDD);       // rows 0-7, k = s+4 and s+12
    v[8 + 2 * s] = _mm512_shuffle_f32x4(u[8 + s], u[12 + s], 0x88);  // rows 8-15
    v[8 + 2 * s + 1] = _mm512_shuffle_f32x4(u[8 + s], u[12 + s], 0xDD);
  }
#pragma GCC unroll 4
  for (int s = 0; s < 4; ++s) {
    r[s] = _mm512_shuffle_f32x4(v[2 * s], v[8 + 2 * s], 0x88);
    r[s + 8] = _mm512_shuffle_f32x4(v[2 * s], v[8 + 2 * s], 0xDD);
    r[s + 4] = _mm512_shuffle_f32x4(v[2 * s + 1], v[8 + 2 * s + 1], 0x88);
    r[s + 12] = _mm512_shuffle_f32x4(v[2 * s + 1], v[8 + 2 * s + 1], 0xDD);
  }
}

}  // namespace sf::gemm::avx512
#endif  // __x86_64__
