// pack.hpp: packing, in plain C++: copy a block of A or B into the order the microkernel reads.
//
// The microkernel reads A and B with unit stride only: one step of its k loop reads the next MR
// elements of A and the next NR elements of B. Packing copies an MR-row slice of A (an NR-column
// slice of B) into that order once, so that the strided, cache- and TLB-unfriendly reads of the
// original matrix happen once per block instead of once per use, and so that edge tiles are
// simply zero-padded (the microkernel always computes a whole tile). B is packed like A by
// treating its columns as rows: pack(nc, kc, b, cs_b, rs_b) packs the rows of Bᵀ.
//
// The template lives in an unnamed namespace on purpose: each microkernel file includes it and
// gets its own copy compiled with that file's instruction set (AVX2, AVX-512, or none). A shared
// inline function would be emitted once per file and the linker would keep any one of them,
// possibly an AVX-512 copy that then crashes a CPU without AVX-512.
#pragma once

#include <cstdint>

namespace sf::gemm {
namespace {

// [doc:pack-panels]
/// Packs rows [0, len) × columns [0, kc) of src (element (r, k) at src[r·stride_r + k·stride_k])
/// into ceil(len/W) micro-panels, each W rows by kc, stored k-major: panel p holds row r = p·W + i
/// at dst[p·W·kc + k·W + i]. Rows of the last panel past len are zeros.
template <int W>
void pack_panels(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r,
                 std::int64_t stride_k, float* dst) {
  for (std::int64_t r0 = 0; r0 < len; r0 += W, dst += W * kc) {
    const float* s = src + r0 * stride_r;
    const std::int64_t rows = len - r0 < W ? len - r0 : W;
    if (rows == W && stride_r == 1) {
      // The W elements of one k are contiguous in src (A stored transposed, or B row-major):
      // a plain copy per k, which the compiler vectorises.
      for (std::int64_t k = 0; k < kc; ++k)
        for (int i = 0; i < W; ++i) dst[k * W + i] = s[k * stride_k + i];
    } else if (rows == W && stride_k == 1) {
      // Each row is contiguous along k (A row-major, or B transposed): read rows, write columns.
      for (int i = 0; i < W; ++i)
        for (std::int64_t k = 0; k < kc; ++k) dst[k * W + i] = s[i * stride_r + k];
    } else {
      // Any strides, and the last, partial panel (zero-padded to W rows).
      for (std::int64_t k = 0; k < kc; ++k)
        for (int i = 0; i < W; ++i) dst[k * W + i] = i < rows ? s[i * stride_r + k * stride_k] : 0.0f;
    }
  }
}
// [doc:end]

}  // namespace
}  // namespace sf::gemm
