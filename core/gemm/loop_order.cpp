// loop_order.cpp: rung 2 of the matmul ladder, the same loops in i-k-j order.
//
// Swapping the two inner loops changes nothing in the arithmetic but everything in the memory
// traffic: for a fixed A[i, k], the inner loop adds A[i, k]·B[k, :] to C[i, :], walking one row of
// B and one row of C contiguously, and the compiler turns it into vector code. What it does not fix: for
// large N a row of C and the rows of B no longer stay in cache between uses (blocked.cpp does), and a
// transposed B (col_stride
// != 1) brings the strided walk back.
#include "core/gemm/ladder.hpp"

namespace sf::gemm {

// [doc:loop-order]
void sgemm_loop_order(std::int64_t M, std::int64_t N, std::int64_t K, float alpha, Matrix<const float> A,
                      Matrix<const float> B, float beta, Matrix<float> C) {
  for (std::int64_t i = 0; i < M; ++i) {
    float* c = C.data + i * C.row_stride;
    for (std::int64_t j = 0; j < N; ++j) c[j] = beta == 0.0f ? 0.0f : beta * c[j];
    for (std::int64_t k = 0; k < K; ++k) {
      const float a = alpha * A.data[i * A.row_stride + k * A.col_stride];
      const float* b = B.data + k * B.row_stride;
      for (std::int64_t j = 0; j < N; ++j) c[j] += a * b[j * B.col_stride];
    }
  }
}
// [doc:end]

}  // namespace sf::gemm
