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
// When beta == 0, C is never read (so C may be uninitialised memory).
#pragma once

#include <cstdint>

namespace sf::gemm {

/// One matrix operand: a pointer and its row and column strides, in elements.
template <class T>
struct Matrix {
  T* data;
  std::int64_t row_stride;
  std::int64_t col_stride;
};

/// C = alpha · A · B + beta · C, with A M×K, B K×N and C M×N (C.col_stride must be 1).
/// Example: sgemm(M, N, K, 1.f, {a, K, 1}, {b, N, 1}, 0.f, {c, N, 1}) is a row-major C = A·B.
void sgemm(std::int64_t M, std::int64_t N, std::int64_t K, float alpha, Matrix<const float> A,
           Matrix<const float> B, float beta, Matrix<float> C);
void dgemm(std::int64_t M, std::int64_t N, std::int64_t K, double alpha, Matrix<const double> A,
           Matrix<const double> B, double beta, Matrix<double> C);

/// `batch` independent products; product p uses A.data + p·batch_stride_a, and likewise for B
/// and C. A stride of 0 broadcasts one operand over the batch.
void sgemm_batched(std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                   Matrix<const float> A, std::int64_t batch_stride_a, Matrix<const float> B,
                   std::int64_t batch_stride_b, float beta, Matrix<float> C, std::int64_t batch_stride_c);
void dgemm_batched(std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K, double alpha,
                   Matrix<const double> A, std::int64_t batch_stride_a, Matrix<const double> B,
                   std::int64_t batch_stride_b, double beta, Matrix<double> C, std::int64_t batch_stride_c);

}  // namespace sf::gemm
