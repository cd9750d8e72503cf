// small.cpp: small products, computed by the microkernel straight from A and B, without packing.
//
// Packing pays for itself through reuse: a packed A block serves every micro-panel of B, a packed
// B panel every micro-panel of A. A small product (attention's 24×24×32 per head, a 32×32 tile)
// has little reuse, and copying its operands costs about as much as multiplying them. So here the
// microkernel reads A in place (it only ever broadcasts single elements of A, which works with
// any strides) and reads the rows of B in place when they are contiguous (B.col_stride == 1, the
// NN and TN cases). A transposed B (NT, as in Q·Kᵀ) is still packed, an NR-wide panel at a time,
// just before its column of C. Threads share out runs of whole tiles of C (no barrier needed).
//
// Same arithmetic as the packed path: one KC slice (K <= KC), k ascending, so the same bits.
#include <algorithm>

#include "core/gemm/kernels.hpp"
#include "core/parallel/thread_pool.hpp"

namespace sf::gemm {
namespace {

// One small product C = alpha·A·B + beta·C, cut into column panels NR wide (panel q: columns from
// q·NR) and, down each panel, tiles of the direct kernel's rows.
struct SmallProduct {
  const KernelSet& ks;
  std::int64_t M, N, K;
  float alpha;
  const Matrix<const float>& A;
  const Matrix<const float>& B;
  float beta;
  const Matrix<float>& C;

  // Rows [i0, i1) of C's column panel q. B's micro-panel is read in place, or, for a transposed B,
  // from the copy this thread packed last (panel `packed`), packing it first if it is another
  // one. Each thread packs what it uses into its own buffer: a panel packed by one core and read
  // by the other would cross between the cores on every call.
  void rows_of_panel(std::int64_t q, std::int64_t i0, std::int64_t i1, std::int64_t& packed) const {
    const std::int64_t NR = ks.blocks.nr, j = q * NR, n = std::min(NR, N - j);
    const float* bq = B.data + j * B.col_stride;  // row k of the panel at bq + k·ldb
    std::int64_t ldb = B.row_stride;
    if (B.col_stride != 1) {
      thread_local AlignedBuffer buffer;  // (the calling thread's own)
      float* dst = buffer.reserve(NR * K);
      if (packed != q) ks.pack_b(n, K, bq, B.col_stride, B.row_stride, dst);
      packed = q;
      bq = dst;
      ldb = NR;
    }
    ks.micro_direct(K, A.data + i0 * A.row_stride, A.row_stride, A.col_stride, bq, ldb, alpha, beta,
                    C.data + i0 * C.row_stride + j, C.row_stride, static_cast<int>(i1 - i0),  // M <= 256³
                    static_cast<int>(n));
  }
};

}  // namespace

void gemm_small(const KernelSet& ks, int threads, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                const Matrix<const float>& A, const Matrix<const float>& B, float beta,
                const Matrix<float>& C) {
  const SmallProduct product{ks, M, N, K, alpha, A, B, beta, C};
  const std::int64_t NR = ks.blocks.nr;
  // Alone, a column of tiles per call: no team, no counter, not even a division (a 32×32 product
  // takes 0.26 µs, and a division 10-20 cycles).
  if (threads == 1) {
    std::int64_t packed = -1;
    for (std::int64_t q = 0; q * NR < N; ++q) product.rows_of_panel(q, 0, M, packed);
    return;
  }
  // The work is cut into runs of `run` blocks of MR rows down one column panel, about 1 µs each
  // (MR = kDirectRowUnit: whole tiles of the direct kernel), and the runs are numbered panel by
  // panel. The caller and any worker free to help take the next untaken run until none is left
  // (parallel_share): a worker that was asleep arrives 10-30 µs late, after the caller has done
  // everything, and is not waited for. Who computes a tile does not change its bits.
  // Why runs and not single tiles: the counter's cache line travels between the cores on every
  // take (0.1-0.3 µs here, depending on where the host puts the two vCPUs), which a 12×32×64 tile
  // (0.2 µs) alone would not pay for. Taking single tiles, 512×512×64 on two threads ran at 210
  // GFLOP/s in some runs and 390 in others; a run at a time, 440 in all.
  const std::int64_t MR = kDirectRowUnit, panels = (N + NR - 1) / NR, row_tiles = (M + MR - 1) / MR;
  const std::int64_t run = std::min(
      row_tiles, std::max<std::int64_t>(1, static_cast<std::int64_t>(kFlopsPerTake / (2 * MR * NR * K))));
  const std::int64_t runs_per_panel = (row_tiles + run - 1) / run, runs = panels * runs_per_panel;
  WorkCounter counter;
  parallel_share(threads, [&](const Team&) {
    std::int64_t packed = -1;
    for (std::int64_t r = counter.take(); r < runs; r = counter.take()) {
      const std::int64_t i0 = r % runs_per_panel * run * MR;
      product.rows_of_panel(r / runs_per_panel, i0, std::min(M, i0 + run * MR), packed);
    }
  });
}

}  // namespace sf::gemm
