// gemm.hpp: the matrix-product kernels behind sf::matmul, on raw pointers and sizes.
//
// This layer knows nothing of tensors, autograd or shapes beyond M, N, K and strides. The tensor
// layer (core/ops/matmul.cpp) turns a broadcast batched matmul into calls to these functions.
//
// Every operand is addressed by a row stride and a column stride (in elements), so a transposed
// operand is the same memory with its two strides swapped: the backward pass (dA = dC·Bᵀ,
// dB = Aᵀ·dC) and attention (Q·Kᵀ) never copy a transpose. C has unit column stride.
//
//   C[i, j] = alpha · Σ_k A[i·rs_a + k·cs_a] · B[k·rs_b + j·cs_b] + beta · C[i·rs_c + j]
//
// When beta == 0, C is never read (so C may be uninitialised memory). M, N or K may be 0; K == 0
// gives C = beta·C. Bad arguments (a negative size, a null pointer, C.col_stride != 1) throw
// sf::ValueError. sgemm gives the same bits whatever sf::num_threads() is.
#pragma once

#include <cstdint>

#include "core/kernels/epilogue.hpp"

namespace sf::gemm {

// [doc:matrix]
/// One matrix operand: a pointer and its row and column strides, in elements.
template <class T>
struct Matrix {
  T* data;
  std::int64_t row_stride;
  std::int64_t col_stride;
};

/// C = alpha · A · B + beta · C, with A M×K, B K×N and C M×N (C.col_stride must be 1).
/// Example: sgemm(M, N, K, 1.f, {a, K, 1}, {b, N, 1}, 0.f, {c, N, 1}) is a row-major C = A·B.
void sgemm(std::int64_t M, std::int64_t N, std::int64_t K, float alpha, const Matrix<const float>& A,
           const Matrix<const float>& B, float beta, const Matrix<float>& C);
// [doc:end]
void dgemm(std::int64_t M, std::int64_t N, std::int64_t K, double alpha, const Matrix<const double>& A,
           const Matrix<const double>& B, double beta, const Matrix<double>& C);

// [doc:sgemm-epilogue]
/// C = epilogue(A · B): the product followed by a bias, a ReLU, dropout and a residual add
/// (core/kernels/epilogue.hpp), each applied to a tile of C as soon as the product has finished it,
/// so that C is written to memory once. The default product's paths run it (dispatch.hpp). The
/// same bits as the separate passes: the bias written into C and sgemm with beta = 1, then
/// epilogue_finish over the whole of C. `epilogue.columns` must be N. C must not overlap the
/// residual.
void sgemm_epilogue(std::int64_t M, std::int64_t N, std::int64_t K, const Matrix<const float>& A,
                    const Matrix<const float>& B, const Matrix<float>& C,
                    const kernels::Epilogue<float>& epilogue);
// [doc:end]

/// `batch` independent products; product p uses A.data + p·batch_stride_a, and likewise for B
/// and C. A stride of 0 broadcasts one operand over the batch.
void sgemm_batched(std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                   const Matrix<const float>& A, std::int64_t batch_stride_a, const Matrix<const float>& B,
                   std::int64_t batch_stride_b, float beta, const Matrix<float>& C,
                   std::int64_t batch_stride_c);
void dgemm_batched(std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K, double alpha,
                   const Matrix<const double>& A, std::int64_t batch_stride_a, const Matrix<const double>& B,
                   std::int64_t batch_stride_b, double beta, const Matrix<double>& C,
                   std::int64_t batch_stride_c);

// [doc:variant]
/// The teaching ladder: each rung adds one idea to the one before (chapter 3 reads them in order),
/// and the default. Every rung computes the same product, on the calling thread; only the default,
/// `threaded`, uses threads.
enum class Variant {
  naive,        // naive.cpp: the textbook i-j-k triple loop
  loop_order,   // loop_order.cpp: i-k-j, so the inner loop walks rows of B and C contiguously
  blocked,      // blocked.cpp: the i-k-j loop on blocks that fit in the caches
  packed,       // five_loops.cpp + microkernel_scalar.cpp: BLIS's five loops, packed panels
  packed_simd,  // the same loops with the AVX-512 / AVX2 microkernel chosen for this CPU
  threaded,     // the default, what sgemm(...) without a Variant runs: the dispatcher (dispatch.hpp)
                // picks a path (a few rows times Wᵀ read in place, a small product unpacked, or
                // the five loops on a team of threads) and how many threads the product deserves
};
// [doc:end]
/// The rung's name as used in benchmark names: "naive", "loop_order", ..., "threaded".
const char* variant_name(Variant v);
/// The microkernel packed_simd and threaded use on this CPU: "avx512", "avx2" or "scalar".
const char* simd_kernel_name();

/// sgemm / sgemm_batched computed by one rung of the ladder (sgemm(...) is sgemm(Variant::threaded, ...)).
void sgemm(Variant variant, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
           const Matrix<const float>& A, const Matrix<const float>& B, float beta, const Matrix<float>& C);
void sgemm_batched(Variant variant, std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K,
                   float alpha, const Matrix<const float>& A, std::int64_t batch_stride_a,
                   const Matrix<const float>& B, std::int64_t batch_stride_b, float beta,
                   const Matrix<float>& C, std::int64_t batch_stride_c);

}  // namespace sf::gemm
