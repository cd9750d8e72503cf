// gemm.cpp: a plain, correct reference implementation of the gemm.hpp interface.
// (The matmul issue replaces this with the blocked, packed, SIMD and threaded kernels.)
#include "core/gemm/gemm.hpp"

namespace sf::gemm {
namespace {

template <class T>
void gemm_ref(std::int64_t M, std::int64_t N, std::int64_t K, T alpha, Matrix<const T> A, Matrix<const T> B,
              T beta, Matrix<T> C) {
  for (std::int64_t i = 0; i < M; ++i) {
    for (std::int64_t j = 0; j < N; ++j) {
      T acc = 0;
      for (std::int64_t k = 0; k < K; ++k)
        acc += A.data[i * A.row_stride + k * A.col_stride] * B.data[k * B.row_stride + j * B.col_stride];
      T& c = C.data[i * C.row_stride + j];
      c = beta == T(0) ? alpha * acc : alpha * acc + beta * c;
    }
  }
}

template <class T>
void gemm_batched_ref(std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
                      Matrix<const T> A, std::int64_t sa, Matrix<const T> B, std::int64_t sb, T beta,
                      Matrix<T> C, std::int64_t sc) {
  for (std::int64_t p = 0; p < batch; ++p) {
    gemm_ref<T>(M, N, K, alpha, {A.data + p * sa, A.row_stride, A.col_stride},
                {B.data + p * sb, B.row_stride, B.col_stride}, beta, {C.data + p * sc, C.row_stride, 1});
  }
}

}  // namespace

void sgemm(std::int64_t M, std::int64_t N, std::int64_t K, float alpha, Matrix<const float> A,
           Matrix<const float> B, float beta, Matrix<float> C) {
  gemm_ref<float>(M, N, K, alpha, A, B, beta, C);
}
void dgemm(std::int64_t M, std::int64_t N, std::int64_t K, double alpha, Matrix<const double> A,
           Matrix<const double> B, double beta, Matrix<double> C) {
  gemm_ref<double>(M, N, K, alpha, A, B, beta, C);
}
void sgemm_batched(std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                   Matrix<const float> A, std::int64_t sa, Matrix<const float> B, std::int64_t sb, float beta,
                   Matrix<float> C, std::int64_t sc) {
  gemm_batched_ref<float>(batch, M, N, K, alpha, A, sa, B, sb, beta, C, sc);
}
void dgemm_batched(std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K, double alpha,
                   Matrix<const double> A, std::int64_t sa, Matrix<const double> B, std::int64_t sb,
                   double beta, Matrix<double> C, std::int64_t sc) {
  gemm_batched_ref<double>(batch, M, N, K, alpha, A, sa, B, sb, beta, C, sc);
}

}  // namespace sf::gemm
