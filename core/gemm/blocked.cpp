// blocked.cpp: rung 3 of the matmul ladder, the i-k-j loop on cache-sized blocks.
//
// The i-k-j loop of rung 2 sweeps all of B for every row of A. Here the product is cut into
// blocks: a KB×NB block of B (64×1024 floats = 256 KiB, inside the 1 MiB L2) is reused by MB = 32
// rows of A before moving on, and the NB-wide slice of a C row (4 KiB) stays in L1 while k runs
// through the block. Same arithmetic as rung 2, fewer trips to memory. (The inner loop is kept
// long, 1024, because each of its runs pays a fixed start-up cost.) What it still lacks: the
// vector loop loads and stores C on every k (a register tile keeps it in registers:
// five_loops.cpp), and the blocks are read in place, with strides (packing copies them into
// contiguous panels).
//
// Also the float64 path (dgemm): gradient checks need double precision, not peak speed.
#include <algorithm>

#include "core/gemm/ladder.hpp"

namespace sf::gemm {

// [doc:blocked]
template <class T>
void gemm_blocked(std::int64_t M, std::int64_t N, std::int64_t K, T alpha, Matrix<const T> A,
                  Matrix<const T> B, T beta, Matrix<T> C) {
  constexpr std::int64_t MB = 32, KB = 64, NB = 1024;
  for (std::int64_t i = 0; i < M; ++i) {  // C = beta·C first; the blocks then only add
    T* c = C.data + i * C.row_stride;
    for (std::int64_t j = 0; j < N; ++j) c[j] = beta == T(0) ? T(0) : beta * c[j];
  }
  for (std::int64_t j0 = 0; j0 < N; j0 += NB) {
    const std::int64_t j1 = std::min(j0 + NB, N);
    for (std::int64_t k0 = 0; k0 < K; k0 += KB) {
      const std::int64_t k1 = std::min(k0 + KB, K);
      for (std::int64_t i0 = 0; i0 < M; i0 += MB) {
        const std::int64_t i1 = std::min(i0 + MB, M);
        for (std::int64_t i = i0; i < i1; ++i) {
          T* c = C.data + i * C.row_stride;
          for (std::int64_t k = k0; k < k1; ++k) {
            const T a = alpha * A.data[i * A.row_stride + k * A.col_stride];
            const T* b = B.data + k * B.row_stride;
            if (B.col_stride == 1) {  // the common case, written so the compiler vectorises it
              for (std::int64_t j = j0; j < j1; ++j) c[j] += a * b[j];
            } else {
              for (std::int64_t j = j0; j < j1; ++j) c[j] += a * b[j * B.col_stride];
            }
          }
        }
      }
    }
  }
}
// [doc:end]

template void gemm_blocked<float>(std::int64_t, std::int64_t, std::int64_t, float, Matrix<const float>,
                                  Matrix<const float>, float, Matrix<float>);
template void gemm_blocked<double>(std::int64_t, std::int64_t, std::int64_t, double, Matrix<const double>,
                                   Matrix<const double>, double, Matrix<double>);

}  // namespace sf::gemm
