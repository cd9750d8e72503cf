// kernels.hpp: the pieces the five loops are built from, one set per instruction set (internal).
//
// A KernelSet bundles a microkernel with its tile shape and the two packing routines that lay A
// and B out the way that microkernel reads them. five_loops.cpp drives any set; the set itself is
// chosen once at run time from what the CPU reports (best_kernels()). Not a public header: the
// tensor layer calls gemm.hpp; tests and benchmarks include this to pick an instruction set.
//
// Packed layouts (W = MR for A, W = NR for B; both zero-padded to a whole micro-panel):
//   A block  mc×kc -> ceil(mc/MR) micro-panels; panel p, element (i, k) at dst[p·MR·kc + k·MR + i]
//   B panel  kc×nc -> ceil(nc/NR) micro-panels; panel q, element (k, j) at dst[q·NR·kc + k·NR + j]
#pragma once

#include <cstdint>
#include <memory>
#include <new>

#include "core/gemm/block_sizes.hpp"
#include "core/gemm/gemm.hpp"

namespace sf::gemm {

/// c[0:m, 0:n] = alpha · (a · b) + beta · c[0:m, 0:n], for one MR×kc micro-panel a and one kc×NR
/// micro-panel b (m <= MR, n <= NR; c has row stride rs_c). When beta == 0, c is not read.
using MicroKernel = void (*)(std::int64_t kc, const float* a, const float* b, float alpha, float beta, float* c,
                             std::int64_t rs_c, int m, int n);
/// Packs `len` rows of a matrix slice, kc deep, into micro-panels W wide (W = MR or NR):
/// element (r, k), r < len, k < kc, is read at src[r·stride_r + k·stride_k].
/// A's rows: pack(mc, kc, a, rs_a, cs_a). B's columns: pack(nc, kc, b, cs_b, rs_b).
using PackPanels = void (*)(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r,
                            std::int64_t stride_k, float* dst);

/// The microkernel on unpacked operands (small.cpp): A element (i, k) at a[i·rs_a + k·cs_a], row k
/// of B at b + k·ldb (its first n <= NR elements are read). Unlike MicroKernel, m may exceed MR:
/// the kernel then computes the m×n column of tiles, MR rows at a time. Otherwise as MicroKernel.
/// Threads share out a direct product in whole multiples of this many rows: a multiple of every
/// tile height the direct kernel uses (8 and 12 rows), so that no thread computes a partial tile.
inline constexpr std::int64_t kDirectRowUnit = 24;
using MicroKernelDirect = void (*)(std::int64_t kc, const float* a, std::int64_t rs_a, std::int64_t cs_a,
                                   const float* b, std::int64_t ldb, float alpha, float beta, float* c,
                                   std::int64_t rs_c, int m, int n);

/// C[0:m, 0:n] = alpha · A·Wᵀ + beta · C[0:m, 0:n] for a few rows of A (m <= kFewRows, element
/// (i, k) at a[i·rs_a + k·cs_a]) and a row-major W (row j at w + j·ldw, contiguous along k), for
/// n <= kFewRowsColumns columns, without packing (few_rows_avx512.cpp). Same bits as the microkernel.
using FewRowsNT = void (*)(int m, std::int64_t n, std::int64_t K, float alpha, const float* a, std::int64_t rs_a,
                           std::int64_t cs_a, const float* w, std::int64_t ldw, float beta, float* c,
                           std::int64_t rs_c);
inline constexpr int kFewRows = 4;
inline constexpr std::int64_t kFewRowsColumns = 32;

struct KernelSet {
  const char* name;  // "scalar", "avx2", "avx512"
  BlockSizes blocks;
  MicroKernel micro;
  PackPanels pack_a;  // W = blocks.mr
  PackPanels pack_b;  // W = blocks.nr
  MicroKernelDirect micro_direct;  // nullptr: small products go through the packed path too
  FewRowsNT few_rows_nt;           // nullptr: a few rows times Wᵀ go through the other paths too
};

/// A grow-only float buffer aligned to 64 bytes (one cache line, one zmm vector), for packing.
class AlignedBuffer {
 public:
  float* reserve(std::int64_t n) {
    if (n > size_) {
      data_.reset(static_cast<float*>(::operator new(sizeof(float) * n, std::align_val_t{64})));
      size_ = n;
    }
    return data_.get();
  }

 private:
  struct Free {
    void operator()(float* p) const { ::operator delete(p, std::align_val_t{64}); }
  };
  std::unique_ptr<float, Free> data_;
  std::int64_t size_ = 0;
};

const KernelSet& scalar_kernels();
#if defined(__x86_64__)
const KernelSet& avx2_kernels();    // needs AVX2 + FMA
const KernelSet& avx512_kernels();  // needs AVX-512F
#endif
/// Whether this CPU can run the set with the given name ("scalar" always can).
bool cpu_supports(const char* kernel_set_name);
/// The fastest set this CPU supports, chosen once. The environment variable SF_GEMM_KERNEL
/// (scalar, avx2 or avx512) overrides the choice when the CPU supports it.
const KernelSet& best_kernels();

// The pieces of each set, defined in microkernel_<isa>.cpp and pack_avx512.cpp, each file compiled
// for its own instruction set. kernels.cpp assembles them into KernelSets.
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
                 std::int64_t cs_a, const float* w, std::int64_t ldw, float beta, float* c, std::int64_t rs_c);
void pack_a(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst);
void pack_b(std::int64_t len, std::int64_t kc, const float* src, std::int64_t stride_r, std::int64_t stride_k,
            float* dst);
}  // namespace avx512
#endif

/// C = alpha·A·B + beta·C through the five loops with kernel set `ks`, on a team of up to
/// `threads` threads. Expects M, N, K >= 1 (gemm.cpp handles the empty cases).
void gemm_packed(const KernelSet& ks, int threads, std::int64_t M, std::int64_t N, std::int64_t K,
                 float alpha, const Matrix<const float>& A, const Matrix<const float>& B, float beta,
                 const Matrix<float>& C);

/// Work that a thread takes from a shared counter at a time (parallel_share in small.cpp and in
/// sgemm_batched): about 1 µs on one core, so that the counter's cache line, which travels between
/// the cores on every take, costs little.
inline constexpr double kFlopsPerTake = 2.5e5;

// [doc:small-threshold]
// Up to this many multiply-adds (M·N·K) a product counts as small. Measured on one core: the
// direct path wins clearly below 128³ (32³: 207 against 145 GFLOP/s packed), still wins at 256³
// (254 against 240) and 512×64×512, and ties at 512³, where the five loops take over.
inline constexpr double kSmallMaxVolume = 256.0 * 256.0 * 256.0;
// [doc:end]

/// Whether gemm_small handles this product: `ks` has a direct microkernel, K fits in one KC slice
/// and the product is small enough that packing would not be repaid. (Inline, like the next one:
/// they are asked on every product, and a 32³ product takes 0.27 µs.)
inline bool small_path_applies(const KernelSet& ks, std::int64_t M, std::int64_t N, std::int64_t K) {
  return ks.micro_direct != nullptr && K <= ks.blocks.kc &&
         double(M) * double(N) * double(K) <= kSmallMaxVolume;
}
/// Whether gemm_few_rows handles this product: `ks` has a few-rows kernel, M <= kFewRows, and B is
/// the transpose of a row-major matrix (B.row_stride == 1), as the weight in x·Wᵀ.
inline bool few_rows_path_applies(const KernelSet& ks, std::int64_t M, const Matrix<const float>& B) {
  return ks.few_rows_nt != nullptr && M <= kFewRows && B.row_stride == 1 && B.col_stride != 1;
}
/// C = alpha·A·B + beta·C for such a product, on a team of up to `threads` threads (few_rows.cpp).
void gemm_few_rows(const KernelSet& ks, int threads, std::int64_t M, std::int64_t N, std::int64_t K,
                   float alpha, const Matrix<const float>& A, const Matrix<const float>& B, float beta,
                   const Matrix<float>& C);
/// C = alpha·A·B + beta·C for a small product, on a team of up to `threads` threads (small.cpp).
void gemm_small(const KernelSet& ks, int threads, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                const Matrix<const float>& A, const Matrix<const float>& B, float beta,
                const Matrix<float>& C);

// The first three rungs (naive.cpp, loop_order.cpp, blocked.cpp); blocked also serves dgemm.
void sgemm_naive(std::int64_t M, std::int64_t N, std::int64_t K, float alpha, Matrix<const float> A,
                 Matrix<const float> B, float beta, Matrix<float> C);
void sgemm_loop_order(std::int64_t M, std::int64_t N, std::int64_t K, float alpha, Matrix<const float> A,
                      Matrix<const float> B, float beta, Matrix<float> C);
template <class T>
void gemm_blocked(std::int64_t M, std::int64_t N, std::int64_t K, T alpha, Matrix<const T> A, Matrix<const T> B,
                  T beta, Matrix<T> C);

}  // namespace sf::gemm
