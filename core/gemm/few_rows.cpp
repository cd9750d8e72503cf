// few_rows.cpp: a few rows times a transposed weight (decoding's x·Wᵀ), without packing.
//
// Packing pays for itself through reuse, and one row of A reuses nothing: every element of W is
// used once. Yet x·Wᵀ reads W as Bᵀ, so the other paths would pack all of it first (small.cpp
// packs a transposed B; the five loops pack every B). For M <= kFewRows rows the kernel of
// few_rows_avx512.cpp reads W's rows in place instead, with the same bits. A team of threads
// splits the kFewRowsColumns-wide column chunks of C into contiguous ranges, so each thread
// streams its own contiguous share of W (the cost here is the reading: base's feed-forward
// weights are 4 MiB each, more than the L2 cache). A chunk's bits do not depend on which thread
// computes it.
#include <algorithm>

#include "core/gemm/kernels.hpp"
#include "core/parallel/thread_pool.hpp"

namespace sf::gemm {

void gemm_few_rows(const KernelSet& ks, int threads, std::int64_t M, std::int64_t N, std::int64_t K,
                   float alpha, const Matrix<const float>& A, const Matrix<const float>& B, float beta,
                   const Matrix<float>& C) {
  const std::int64_t chunks = (N + kFewRowsColumns - 1) / kFewRowsColumns;
  const int team_size = static_cast<int>(std::min<std::int64_t>(threads, chunks));
  parallel_team(team_size, [&](const Team& team) {
    const std::int64_t begin = chunks * team.id() / team.size(), end = chunks * (team.id() + 1) / team.size();
    for (std::int64_t t = begin; t < end; ++t) {
      const std::int64_t j = t * kFewRowsColumns, n = std::min(kFewRowsColumns, N - j);
      const float* w = B.data + j * B.col_stride;
      ks.few_rows_nt(static_cast<int>(M), n, K, alpha, A.data, A.row_stride, A.col_stride, w, B.col_stride, beta,
                     C.data + j, C.row_stride);
    }
  });
}

}  // namespace sf::gemm
