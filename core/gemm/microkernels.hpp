// microkernels.hpp: the pieces the five loops are built from, one set per instruction set (internal).
//
// A Microkernels set bundles a microkernel with its tile shape and the two packing routines that
// lay A and B out the way that microkernel reads them, plus (AVX-512 only) the two kernels the
// dispatcher's fast paths call on unpacked operands. five_loops.cpp drives any set; the set itself
// is chosen once at run time from what the CPU reports (best_microkernels()). Not a public header:
// the tensor layer calls gemm.hpp; tests and benchmarks include this to pick an instruction set.
// (Not to be confused with sf::kernels, core/kernels/: the raw loops of the elementwise ops.)
//
// Packed layouts (W = MR for A, W = NR for B; both zero-padded to a whole micro-panel):
//   A block  mc×kc -> ceil(mc/MR) micro-panels; panel p, element (i, k) at dst[p·MR·kc + k·MR + i]
//   B panel  kc×nc -> ceil(nc/NR) micro-panels; panel q, element (k, j) at dst[q·NR·kc + k·NR + j]
#pragma once

#include <cstdint>

#include "core/gemm/block_sizes.hpp"
#include "core/gemm/gemm.hpp"

namespace sf::gemm {

/// c[0:m, 0:n] = alpha · (a · b) + beta · c[0:m, 0:n], for one MR×kc micro-panel a and one kc×NR
/// micro-panel b (m <= MR, n <= NR; c has row stride rs_c). When beta == 0, c is not read.
using MicroKernel = void (*)(std::int64_t kc, const float* a, const float* b, float alpha, float beta,
                             float* c, std::int64_t rs_c, int m, int n);
/// Packs `len` rows of a matrix slice, kc deep, into micro-panels W wide (W = MR or NR):
/// element (r, k), r < len, k < kc, is read at src[r·stride_r + k·stride_k].
/// A's rows: pack(mc, kc, a, rs_a, cs_a). B's columns: pack(nc, kc, b, cs_b, rs_b).
using PackPanels = void (*)(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r,
                            std::int64_t stride_k, float* dst);

/// The microkernel on unpacked operands (for the dispatcher's fast paths, dispatch.cpp): A element
/// (i, k) at a[i·rs_a + k·cs_a], row k of B at b + k·ldb (its first n <= NR elements are read). Unlike
/// MicroKernel, m may exceed MR: the kernel then computes the m×n column of tiles, MR rows at a time.
/// Otherwise as MicroKernel. Threads share out a direct product in whole multiples of this many rows: a
/// multiple of every tile height the direct kernel uses (8 and 12 rows), so that no thread computes a partial
/// tile.
inline constexpr std::int64_t kDirectRowUnit = 24;
using MicroKernelDirect = void (*)(std::int64_t kc, const float* a, std::int64_t rs_a, std::int64_t cs_a,
                                   const float* b, std::int64_t ldb, float alpha, float beta, float* c,
                                   std::int64_t rs_c, int m, int n);

/// C[0:m, 0:n] = alpha · A·Wᵀ + beta · C[0:m, 0:n] for a few rows of A (m <= kFewRows, element
/// (i, k) at a[i·rs_a + k·cs_a]) and a row-major W (row j at w + j·ldw, contiguous along k), for
/// n <= kFewRowsColumns columns, without packing (few_rows_avx512.cpp). Same bits as the microkernel.
using FewRowsNT = void (*)(int m, std::int64_t n, std::int64_t K, float alpha, const float* a,
                           std::int64_t rs_a, std::int64_t cs_a, const float* w, std::int64_t ldw, float beta,
                           float* c, std::int64_t rs_c);
/// The shape of one call of the few-rows kernel (like MR and NR for the microkernel): at most
/// kFewRows rows of A, and kFewRowsColumns columns of C.
inline constexpr int kFewRows = 4;
inline constexpr std::int64_t kFewRowsColumns = 32;

struct Microkernels {
  const char* name;  // "scalar", "avx2", "avx512"
  BlockSizes blocks;
  MicroKernel micro;
  PackPanels pack_a;               // W = blocks.mr
  PackPanels pack_b;               // W = blocks.nr
  MicroKernelDirect micro_direct;  // nullptr: small products go through the packed path too
  FewRowsNT few_rows_nt;           // nullptr: a few rows times Wᵀ go through the other paths too
};

const Microkernels& scalar_microkernels();
#if defined(__x86_64__)
const Microkernels& avx2_microkernels();    // needs AVX2 + FMA
const Microkernels& avx512_microkernels();  // needs AVX-512F
#endif
/// Whether this CPU can run the set with the given name ("scalar" always can).
bool cpu_supports(const char* microkernels_name);
/// The fastest set this CPU supports, chosen once. The environment variable SF_GEMM_KERNEL
/// (scalar, avx2 or avx512) overrides the choice when the CPU supports it.
const Microkernels& best_microkernels();

// The pieces of each set, defined in microkernel_<isa>.cpp and pack_avx512.cpp, each file compiled
// for its own instruction set. microkernels.cpp assembles them into Microkernels sets.
namespace scalar {
void microkernel(std::int64_t kc, const float* a, const float* b, float alpha, float beta, float* c,
                 std::int64_t rs_c, int m, int n);
void pack_a(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst);
void pack_b(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst);
}  // namespace scalar
#if defined(__x86_64__)
namespace avx2 {
void microkernel(std::int64_t kc, const float* a, const float* b, float alpha, float beta, float* c,
                 std::int64_t rs_c, int m, int n);
void pack_a(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst);
void pack_b(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst);
}  // namespace avx2
namespace avx512 {
void microkernel(std::int64_t kc, const float* a, const float* b, float alpha, float beta, float* c,
                 std::int64_t rs_c, int m, int n);
void microkernel_direct(std::int64_t kc, const float* a, std::int64_t rs_a, std::int64_t cs_a, const float* b,
                        std::int64_t ldb, float alpha, float beta, float* c, std::int64_t rs_c, int m, int n);
void few_rows_nt(int m, std::int64_t n, std::int64_t K, float alpha, const float* a, std::int64_t rs_a,
                 std::int64_t cs_a, const float* w, std::int64_t ldw, float beta, float* c,
                 std::int64_t rs_c);
void pack_a(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst);
void pack_b(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst);
}  // namespace avx512
#endif

}  // namespace sf::gemm
