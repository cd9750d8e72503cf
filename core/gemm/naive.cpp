// naive.cpp: rung 1 of the matmul ladder, the textbook triple loop.
//
// C[i, j] = alpha · Σ_k A[i, k]·B[k, j] + beta · C[i, j], one dot product per element of C.
// It is here to be read and to be beaten: the inner loop walks down a column of B, K·rs_b
// elements apart, so nearly every B access misses the cache once B outgrows it. Not used by anything but the
// ladder's tests and benchmarks.
#include "core/gemm/ladder.hpp"

namespace sf::gemm {

// [doc:naive]
void sgemm_naive(std::int64_t M, std::int64_t N, std::int64_t K, float alpha, Matrix<const float> A,
                 Matrix<const float> B, float beta, Matrix<float> C) {
  for (std::int64_t i = 0; i < M; ++i) {
    for (std::int64_t j = 0; j < N; ++j) {
      float acc = 0.0f;
      for (std::int64_t k = 0; k < K; ++k)
        acc += A.data[i * A.row_stride + k * A.col_stride] * B.data[k * B.row_stride + j * B.col_stride];
      float& c = C.data[i * C.row_stride + j];
      c = beta == 0.0f ? alpha * acc : alpha * acc + beta * c;  // beta == 0: never read C
    }
  }
}
// [doc:end]

}  // namespace sf::gemm
