// small.cpp: small products, computed by the microkernel straight from A and B, without packing.
//
// Packing pays for itself through reuse: a packed A block serves every micro-panel of B, a packed
// B panel every micro-panel of A. A small product (attention's 24×24×32 per head, a 32×32 tile)
// has little reuse, and copying its operands costs about as much as multiplying them. So here the
// microkernel reads A in place (it only ever broadcasts single elements of A, which works with
// any strides) and reads the rows of B in place when they are contiguous (B.col_stride == 1, the
// NN and TN cases). A transposed B (NT, as in Q·Kᵀ) is still packed, once, into NR-wide panels.
// A team of threads shares out the MR×NR tiles of C (no barrier needed).
//
// Same arithmetic as the packed path: one KC slice (K <= KC), k ascending, so the same bits.
#include <algorithm>

#include "core/gemm/kernels.hpp"
#include "core/parallel/thread_pool.hpp"

namespace sf::gemm {
namespace {
// [doc:small-threshold]
// Up to this many multiply-adds (M·N·K) a product counts as small. Measured on one core: the
// direct path wins clearly below 128³ (32³: 207 against 145 GFLOP/s packed), still wins at 256³
// (254 against 240) and 512×64×512, and ties at 512³, where the five loops take over.
constexpr double kSmallMaxVolume = 256.0 * 256.0 * 256.0;
// [doc:end]
}  // namespace

bool small_path_applies(const KernelSet& ks, std::int64_t M, std::int64_t N, std::int64_t K) {
  return ks.micro_direct != nullptr && K <= ks.blocks.kc && double(M) * double(N) * double(K) <= kSmallMaxVolume;
}

void gemm_small(const KernelSet& ks, int threads, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                const Matrix<const float>& A, const Matrix<const float>& B, float beta, const Matrix<float>& C) {
  const std::int64_t MR = ks.blocks.mr, NR = ks.blocks.nr;
  const float* b = B.data;
  std::int64_t ldb = B.row_stride;  // row k of B is at b + k·ldb ...
  std::int64_t panel_step = NR;     // ... and micro-panel q at b + q·panel_step
  if (B.col_stride != 1) {
    thread_local AlignedBuffer packed;
    float* dst = packed.reserve(K * ((N + NR - 1) / NR) * NR);
    ks.pack_b(N, K, B.data, B.col_stride, B.row_stride, dst);
    b = dst;
    ldb = NR;
    panel_step = NR * K;
  }
  if (threads == 1) {  // alone, a column of tiles per call: no team, no counter, not even a division
    const float* bj = b;  // (a 32×32 product takes 0.27 µs, and a division 10-20 cycles)
    for (std::int64_t j = 0; j < N; j += NR, bj += panel_step)
      ks.micro_direct(K, A.data, A.row_stride, A.col_stride, bj, ldb, alpha, beta, C.data + j, C.row_stride,
                      static_cast<int>(M), static_cast<int>(std::min(NR, N - j)));  // M <= 256³
    return;
  }
  // The tile at row i, column j of C; bj is B's micro-panel for column j.
  auto tile = [&](std::int64_t i, std::int64_t j, const float* bj) {
    ks.micro_direct(K, A.data + i * A.row_stride, A.row_stride, A.col_stride, bj, ldb, alpha, beta,
                    C.data + i * C.row_stride + j, C.row_stride, static_cast<int>(std::min(MR, M - i)),
                    static_cast<int>(std::min(NR, N - j)));
  };
  // The MR×NR tiles of C, numbered column of tiles by column of tiles (tile t is row tile
  // t % row_tiles of column tile t / row_tiles). The caller and any worker free to help take the
  // next untaken tiles until none is left (parallel_share): a worker that was asleep arrives 10-30
  // µs late, after the caller has done everything, and is not waited for. Who computes a tile does
  // not change its bits.
  const std::int64_t row_tiles = (M + MR - 1) / MR, tiles = row_tiles * ((N + NR - 1) / NR);
  // Tiles are taken a run at a time, about 1 µs of work: the counter's cache line travels between
  // the cores on every take (0.1-0.3 µs here, depending on where the host puts the two vCPUs),
  // which a 12×32×64 tile (0.2 µs) alone would not pay for. Taking single tiles, 512×512×64 on two
  // threads ran at 210 GFLOP/s in some runs and 390 in others; a run at a time, 440 in all.
  const std::int64_t run = std::max<std::int64_t>(1, static_cast<std::int64_t>(kFlopsPerTake / (2 * MR * NR * K)));
  const std::int64_t runs = (tiles + run - 1) / run;
  WorkCounter counter;
  parallel_share(threads, [&](const Team&) {
    for (std::int64_t r = counter.take(); r < runs; r = counter.take())
      for (std::int64_t t = r * run; t < std::min(tiles, (r + 1) * run); ++t) {
        const std::int64_t column = t / row_tiles;
        tile(t % row_tiles * MR, column * NR, b + column * panel_step);
      }
  });
}

}  // namespace sf::gemm
