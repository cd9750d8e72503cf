// ladder.hpp: the rungs of the matrix-product ladder that chapter 3 walks (internal).
//
//   naive.cpp        rung 1: the textbook i-j-k triple loop
//   loop_order.cpp   rung 2: i-k-j, so the inner loop walks rows of B and C contiguously
//   blocked.cpp      rung 3: the i-k-j loop on blocks that fit in the caches (also float64's dgemm)
//   five_loops.cpp   rungs 4-6: BLIS's five loops around a microkernel (microkernels.hpp), with
//                    packed panels, run by one team of threads
//
// gemm.cpp calls these for gemm.hpp's Variant; the default product goes to the dispatcher instead
// (dispatch.hpp), which picks among faster paths. Not a public header.
#pragma once

#include <cstdint>

#include "core/gemm/gemm.hpp"
#include "core/gemm/microkernels.hpp"

namespace sf::gemm {

void sgemm_naive(std::int64_t M, std::int64_t N, std::int64_t K, float alpha, Matrix<const float> A,
                 Matrix<const float> B, float beta, Matrix<float> C);
void sgemm_loop_order(std::int64_t M, std::int64_t N, std::int64_t K, float alpha, Matrix<const float> A,
                      Matrix<const float> B, float beta, Matrix<float> C);
template <class T>
void gemm_blocked(std::int64_t M, std::int64_t N, std::int64_t K, T alpha, Matrix<const T> A,
                  Matrix<const T> B, T beta, Matrix<T> C);

/// C = alpha·A·B + beta·C through the five loops with the microkernels `mk`, on one team of up to
/// `threads` threads (the rows of C shared among them). Expects M, N, K >= 1 (gemm.cpp handles the
/// empty cases).
void gemm_packed(const Microkernels& mk, int threads, std::int64_t M, std::int64_t N, std::int64_t K,
                 float alpha, const Matrix<const float>& A, const Matrix<const float>& B, float beta,
                 const Matrix<float>& C);

// ---- shared with the dispatcher's five loops (dispatch.cpp) ----

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

/// One product C = alpha·A·B + beta·C, its arguments in one place.
struct Product {
  std::int64_t M, N, K;
  float alpha;
  Matrix<const float> A, B;
  float beta;
  Matrix<float> C;
};

/// The packing buffers a team of `threads` needs for this product: two B panels (the second only
/// for a team: see five_loops.cpp) and one A block per member. They belong to the calling thread
/// and are kept between calls: once they have grown to the largest product seen, a product
/// allocates nothing. Allocated before the team starts, so that nothing inside the team can throw.
struct PackingBuffers {
  float* b_panel[2];
  float* const* a_block;  // a_block[t] for member t
};
PackingBuffers packing_buffers(const Microkernels& mk, int threads, std::int64_t M, std::int64_t N,
                               std::int64_t K);

}  // namespace sf::gemm
