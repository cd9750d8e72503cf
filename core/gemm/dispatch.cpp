// dispatch.cpp: the default matrix product: the path choice, the thread split and the fast paths.
//
// Read dispatch.hpp first (the paths and the table of thresholds). In this file, in order:
//   epilogue_tile                 a fused epilogue's steps on one finished tile of C
//   threads_for, work_of          how many threads a product deserves
//   few_rows_times_weight         a few rows times Wᵀ, W read in place
//   small_product_unpacked        a small product without packing
//   five_loops_on_split_team      the five loops with the team split over rows and columns
//   sgemm_dispatched              the path choice for one product
//   sgemm_batched_dispatched      a batch of small products shared out whole
// The arithmetic of every path is the ladder's: the same microkernels and the same order of the
// sums (chapter 3), so which path runs, and on how many threads, never changes a bit of C.
#include "core/gemm/dispatch.hpp"

#include <algorithm>
#include <climits>

#include "core/aligned.hpp"
#include "core/gemm/ladder.hpp"
#include "core/parallel/thread_pool.hpp"

namespace sf::gemm {
namespace {

using Epilogue = kernels::Epilogue<float>;

// [doc:epilogue-tile]
// The epilogue's steps due on a tile of C (c at element (i0, j0), m×n) once the K slice that starts
// at pc and is kc deep has been stored: the bias after the first slice, where the unfused linear
// would have written it into C before the product; the rest after the last.
inline void epilogue_tile(const Epilogue* e, std::int64_t pc, std::int64_t kc, std::int64_t K, float* c,
                          std::int64_t rs_c, std::int64_t i0, std::int64_t j0, std::int64_t m,
                          std::int64_t n) {
  if (e == nullptr) return;
  if (pc == 0) kernels::epilogue_bias(*e, c, rs_c, j0, m, n);
  if (pc + kc == K && e->has_finish()) kernels::epilogue_finish(*e, c, rs_c, i0, j0, m, n);
}
// [doc:end]

// ---- how many threads -------------------------------------------------------------------------

// [doc:threads-for]
// How many threads a product deserves: one per kMinFlopsPerThread of work, at most all of them.
int threads_for(double flops) {
  const double useful = flops / kMinFlopsPerThread;
  const int n = num_threads();
  return useful >= n ? n : useful < 1 ? 1 : static_cast<int>(useful);
}

// The work of a product, in flops of one core's time: its arithmetic, or, when its operands are too
// big for the L2 cache, the time to read them from memory, whichever is longer. Decoding multiplies
// one row by a weight of several MiB: few flops, but a long read, worth a second core (each core
// reads its own share of the columns).
double work_of(std::int64_t M, std::int64_t N, std::int64_t K) {
  const double flops = 2.0 * M * N * K;
  const double bytes = 4.0 * (double(M) * K + double(K) * N + double(M) * N);
  return bytes > kL2Bytes ? std::max(flops, bytes * kFlopsPerByte) : flops;
}
// [doc:end]

// ---- a few rows times Wᵀ ------------------------------------------------------------------------

// A few rows times a transposed weight (decoding's x·Wᵀ), without packing.
//
// Packing pays for itself through reuse, and one row of A reuses nothing: every element of W is
// used once. Yet x·Wᵀ reads W as Bᵀ, so the other paths would pack all of it first (the small path
// packs a transposed B; the five loops pack every B). For M <= kFewRows rows the kernel of
// few_rows_avx512.cpp reads W's rows in place instead, with the same bits. A team of threads
// splits the kFewRowsColumns-wide column chunks of C into contiguous ranges, so each thread
// streams its own contiguous share of W (the cost here is the reading: a large model's weights
// do not fit in the L2 cache). A chunk's bits do not depend on which thread computes it.
//
// The kernel sums all of K in one call, its KC slices inside, so an epilogue comes after the whole
// sum. A bias added there has the unfused linear's bits only when K is a single slice; over
// several, the bias goes into C first, as the unfused linear does.
void few_rows_times_weight(const Microkernels& mk, int threads, std::int64_t M, std::int64_t N,
                           std::int64_t K, float alpha, const Matrix<const float>& A,
                           const Matrix<const float>& B, float beta, const Matrix<float>& C,
                           const Epilogue* epilogue) {
  Epilogue without_bias;
  if (epilogue != nullptr && epilogue->bias != nullptr && K > mk.blocks.kc) {
    for (std::int64_t i = 0; i < M; ++i)
      std::copy(epilogue->bias, epilogue->bias + N, C.data + i * C.row_stride);
    beta = 1.0f;
    without_bias = *epilogue;
    without_bias.bias = nullptr;
    epilogue = &without_bias;
  }
  const std::int64_t chunks = (N + kFewRowsColumns - 1) / kFewRowsColumns;
  const int team_size = static_cast<int>(std::min<std::int64_t>(threads, chunks));
  parallel_team(team_size, [&](const Team& team) {
    const std::int64_t begin = chunks * team.id() / team.size(), end = chunks * (team.id() + 1) / team.size();
    for (std::int64_t t = begin; t < end; ++t) {
      const std::int64_t j = t * kFewRowsColumns, n = std::min(kFewRowsColumns, N - j);
      const float* w = B.data + j * B.col_stride;
      mk.few_rows_nt(static_cast<int>(M), n, K, alpha, A.data, A.row_stride, A.col_stride, w, B.col_stride,
                     beta, C.data + j, C.row_stride);
      epilogue_tile(epilogue, 0, K, K, C.data + j, C.row_stride, 0, j, M, n);
    }
  });
}

// ---- small products -----------------------------------------------------------------------------

// Small products, computed by the microkernel straight from A and B, without packing.
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

// One small product C = alpha·A·B + beta·C, cut into column panels NR wide (panel q: columns from
// q·NR) and, down each panel, tiles of the direct kernel's rows. The operands are held by
// reference: the product is set up on every call, however small.
struct SmallProduct {
  const Microkernels& mk;
  std::int64_t M, N, K;
  float alpha;
  const Matrix<const float>& A;
  const Matrix<const float>& B;
  float beta;
  const Matrix<float>& C;
  const Epilogue* epilogue;

  // Rows [i0, i1) of C's column panel q. B's micro-panel is read in place, or, for a transposed B,
  // from the copy this thread packed last (panel `packed`), packing it first if it is another
  // one. Each thread packs what it uses into its own buffer: a panel packed by one core and read
  // by the other would cross between the cores on every call.
  void rows_of_panel(std::int64_t q, std::int64_t i0, std::int64_t i1, std::int64_t& packed) const {
    const std::int64_t NR = mk.blocks.nr, j = q * NR, n = std::min(NR, N - j);
    const float* bq = B.data + j * B.col_stride;  // row k of the panel at bq + k·ldb
    std::int64_t ldb = B.row_stride;
    if (B.col_stride != 1) {
      thread_local AlignedBuffer buffer;  // (the calling thread's own)
      float* dst = buffer.reserve(NR * K);
      if (packed != q) mk.pack_b(n, K, bq, B.col_stride, B.row_stride, dst);
      packed = q;
      bq = dst;
      ldb = NR;
    }
    float* c = C.data + i0 * C.row_stride + j;
    mk.micro_direct(K, A.data + i0 * A.row_stride, A.row_stride, A.col_stride, bq, ldb, alpha, beta, c,
                    C.row_stride, static_cast<int>(i1 - i0), static_cast<int>(n));  // (M <= 256³ rows)
    epilogue_tile(epilogue, 0, K, K, c, C.row_stride, i0, j, i1 - i0, n);           // K is one slice here
  }
};

void small_product_unpacked(const Microkernels& mk, int threads, std::int64_t M, std::int64_t N,
                            std::int64_t K, float alpha, const Matrix<const float>& A,
                            const Matrix<const float>& B, float beta, const Matrix<float>& C,
                            const Epilogue* epilogue) {
  const SmallProduct product{mk, M, N, K, alpha, A, B, beta, C, epilogue};
  const std::int64_t NR = mk.blocks.nr;
  // Alone, a column of tiles per call: no team, no counter, not even a division (for the smallest
  // products these cost a noticeable share of the whole).
  if (threads == 1) {
    std::int64_t packed = -1;
    for (std::int64_t q = 0; q * NR < N; ++q) product.rows_of_panel(q, 0, M, packed);
    return;
  }
  // The work is cut into runs of `tiles_per_take` blocks of MR rows down one column panel, about
  // kFlopsPerTake each (MR = kDirectRowUnit: whole tiles of the direct kernel), and the runs are
  // numbered panel by panel. The caller and any worker free to help take the next untaken run
  // until none is left (parallel_share): a worker that was asleep arrives late, after the caller
  // has done everything, and is not waited for. Who computes a tile does not change its bits.
  // Why runs and not single tiles: the counter's cache line travels between the cores on every
  // take, which a single tile's work does not pay for.
  const std::int64_t MR = kDirectRowUnit, panels = (N + NR - 1) / NR, row_tiles = (M + MR - 1) / MR;
  const std::int64_t tiles_per_take = std::min(
      row_tiles, std::max<std::int64_t>(1, static_cast<std::int64_t>(kFlopsPerTake / (2 * MR * NR * K))));
  const std::int64_t takes_per_panel = (row_tiles + tiles_per_take - 1) / tiles_per_take,
                     takes = panels * takes_per_panel;
  WorkCounter counter;
  parallel_share(threads, [&](const Team&) {
    std::int64_t packed = -1;
    for (std::int64_t r = counter.take(); r < takes; r = counter.take()) {
      const std::int64_t i0 = r % takes_per_panel * tiles_per_take * MR;
      product.rows_of_panel(r / takes_per_panel, i0, std::min(M, i0 + tiles_per_take * MR), packed);
    }
  });
}

// ---- the five loops on a split team -------------------------------------------------------------

// How a team shares C: `row_parts` ranges of rows times `col_parts` ranges of micro-panel columns.
struct Split {
  int row_parts;
  int col_parts;
};
// Picks the factorisation of the team size that gives the smallest largest share of MR×NR tiles.
// On a tie it splits rows, so that each thread packs only its own rows of A.
Split choose_split(int team, std::int64_t row_tiles, std::int64_t col_tiles) {
  Split best{team, 1};
  std::int64_t best_load = LLONG_MAX;
  for (int rows = team; rows >= 1; --rows) {
    if (team % rows != 0) continue;
    const std::int64_t load = ceil_div(row_tiles, rows) * ceil_div(col_tiles, team / rows);
    if (load < best_load) {
      best = {rows, team / rows};
      best_load = load;
    }
  }
  return best;
}

// [doc:five-loops-split-team]
// The ladder's five loops (five_loops.cpp) on one member of a team, with three changes:
//  - the team splits C over rows and columns (choose_split): each member computes a range of rows
//    (the ic loop) times a range of micro-panels (the jr loop), so that a team of two on a product
//    with few rows still has a share each;
//  - when the team splits only the columns, every member needs the same A blocks: they pack each
//    block together (a share of its micro-panels each) into one of two shared buffers, with a
//    barrier per block, instead of each packing all of it. The two buffers alternate for the same
//    reason as B's;
//  - with few micro-panels of B (N <= kMaxMicroPanelsForDirectA·NR) and A's rows contiguous, A is not
//    packed at all: the direct microkernel reads it in place, a whole column of tiles per call.
// and, with an epilogue, each tile of C gets its steps right after the microkernel stored it.
void five_loops_split(const Microkernels& mk, const Product& p, float* const b_panel[2],
                      float* const* a_blocks, const Team& team, const Epilogue* epilogue) {
  const auto [MR, NR, KC, MC, NC] = mk.blocks;
  const auto& [M, N, K, alpha, A, B, beta, C] = p;
  // This member's rectangle of C: rows [i_begin, i_end) and, per panel, micro-panels [q_begin, q_end).
  const std::int64_t row_tiles = ceil_div(M, MR);
  const Split split = choose_split(team.size(), row_tiles, ceil_div(std::min(N, NC), NR));
  const int my_rows = team.id() / split.col_parts, my_cols = team.id() % split.col_parts;
  const std::int64_t i_begin = row_tiles * my_rows / split.row_parts * MR;
  const std::int64_t i_end = std::min(M, row_tiles * (my_rows + 1) / split.row_parts * MR);
  int buffer = 0;
  // A is read in place only when its rows are contiguous. A transposed A (the weight gradient's dYᵀ)
  // would be read one k at a time, each k a jump of a whole row of dY (4 KB for 1,000 columns), a
  // stride the hardware prefetcher does not follow; packing it prefetches ahead (pack_avx512.cpp).
  const bool pack_a = mk.micro_direct == nullptr || N > kMaxMicroPanelsForDirectA * NR || A.col_stride != 1;
  const bool share_a = pack_a && team.size() > 1 && split.row_parts == 1;
  int a_buffer = 0;

  for (std::int64_t jc = 0; jc < N; jc += NC) {  // jc loop (loop 5)
    const std::int64_t nc = std::min(NC, N - jc);
    const std::int64_t col_tiles = ceil_div(nc, NR);
    for (std::int64_t pc = 0; pc < K; pc += KC) {  // pc loop (loop 4)
      const std::int64_t kc = std::min(KC, K - pc);
      // pack B: the team packs the panel together; this member packs micro-panels [q0, q1).
      float* bp = b_panel[buffer];
      if (team.size() > 1) buffer ^= 1;
      const std::int64_t q0 = col_tiles * team.id() / team.size();
      const std::int64_t q1 = col_tiles * (team.id() + 1) / team.size();
      if (q1 > q0) {
        mk.pack_b(std::min(nc, q1 * NR) - q0 * NR, kc,
                  B.data + pc * B.row_stride + (jc + q0 * NR) * B.col_stride, B.col_stride, B.row_stride,
                  bp + q0 * NR * kc);
      }
      team.sync();  // end of pack B: the whole panel is packed before anyone reads it

      // The first slice applies beta; later slices add to what the first one wrote.
      const float beta_pc = pc == 0 ? beta : 1.0f;
      const std::int64_t q_begin = col_tiles * my_cols / split.col_parts;
      const std::int64_t q_end = col_tiles * (my_cols + 1) / split.col_parts;
      for (std::int64_t ic = i_begin; ic < i_end; ic += MC) {  // ic loop (loop 3)
        const std::int64_t mc = std::min(MC, i_end - ic);
        const float* a = A.data + ic * A.row_stride + pc * A.col_stride;
        float* a_block = share_a ? a_blocks[a_buffer] : a_blocks[team.id()];
        if (share_a) {  // pack A together: this member packs micro-panels [r0, r1) of the block
          const std::int64_t panels = ceil_div(mc, MR);
          const std::int64_t r0 = panels * team.id() / team.size(),
                             r1 = panels * (team.id() + 1) / team.size();
          if (r1 > r0)
            mk.pack_a(std::min(mc, r1 * MR) - r0 * MR, kc, a + r0 * MR * A.row_stride, A.row_stride,
                      A.col_stride, a_block + r0 * MR * kc);
          team.sync();  // end of pack A: the whole block is packed before anyone reads it
          a_buffer ^= 1;
        } else if (pack_a) {  // pack A: this member's own block
          mk.pack_a(mc, kc, a, A.row_stride, A.col_stride, a_block);
        }
        for (std::int64_t q = q_begin; q < q_end; ++q) {  // jr loop (loop 2): jr = q·NR
          const int n = static_cast<int>(std::min<std::int64_t>(NR, nc - q * NR));
          float* c = C.data + ic * C.row_stride + jc + q * NR;
          if (!pack_a) {  // the ir loop inside the direct kernel: the whole column of tiles in one call
            mk.micro_direct(kc, a, A.row_stride, A.col_stride, bp + q * NR * kc, NR, alpha, beta_pc, c,
                            C.row_stride, static_cast<int>(mc), n);
            epilogue_tile(epilogue, pc, kc, K, c, C.row_stride, ic, jc + q * NR, mc, n);
            continue;
          }
          for (std::int64_t ir = 0; ir < mc; ir += MR) {  // ir loop (loop 1)
            const int m = static_cast<int>(std::min<std::int64_t>(MR, mc - ir));
            mk.micro(kc, a_block + ir * kc, bp + q * NR * kc, alpha, beta_pc, c + ir * C.row_stride,
                     C.row_stride, m, n);
            epilogue_tile(epilogue, pc, kc, K, c + ir * C.row_stride, C.row_stride, ic + ir, jc + q * NR, m,
                          n);
          }  // end of the ir loop
        }    // end of the jr loop
      }      // end of the ic loop
    }        // end of the pc loop
  }          // end of the jc loop
}
// [doc:end]

void five_loops_on_split_team(const Microkernels& mk, int threads, std::int64_t M, std::int64_t N,
                              std::int64_t K, float alpha, const Matrix<const float>& A,
                              const Matrix<const float>& B, float beta, const Matrix<float>& C,
                              const Epilogue* epilogue) {
  const BlockSizes& bs = mk.blocks;
  const std::int64_t tiles = ceil_div(M, bs.mr) * ceil_div(std::min(N, bs.nc), bs.nr);
  if (threads > tiles) threads = static_cast<int>(tiles);
  if (threads < 1) threads = 1;
  const PackingBuffers buffers = packing_buffers(mk, threads, M, N, K);
  const Product product{M, N, K, alpha, A, B, beta, C};
  parallel_team(threads, [&](const Team& team) {
    five_loops_split(mk, product, buffers.b_panel, buffers.a_block, team, epilogue);
  });
}

}  // namespace

// ---- the path choice ----------------------------------------------------------------------------

// [doc:choose-path]
// A few rows times a transposed weight (decoding) are read in place, small products skip packing,
// and the others go through the five loops. The small path comes first and costs the least to
// choose, since the smallest products take well under a microsecond. A small product from
// kMinFlopsShared flops on takes help from awake workers, unless `alone` says it must not.
void sgemm_dispatched(std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                      const Matrix<const float>& A, const Matrix<const float>& B, float beta,
                      const Matrix<float>& C, bool alone, const Epilogue* epilogue) {
  const Microkernels& mk = best_microkernels();
  const bool few_rows = few_rows_path_applies(mk, M, B);
  if (!few_rows && small_path_applies(mk, M, N, K)) {
    const int threads = alone || 2.0 * M * N * K < kMinFlopsShared ? 1 : num_threads();
    return small_product_unpacked(mk, threads, M, N, K, alpha, A, B, beta, C, epilogue);
  }
  const int threads = alone ? 1 : threads_for(work_of(M, N, K));
  if (few_rows) return few_rows_times_weight(mk, threads, M, N, K, alpha, A, B, beta, C, epilogue);
  five_loops_on_split_team(mk, threads, M, N, K, alpha, A, B, beta, C, epilogue);
}
// [doc:end]

// [doc:batched-split]
// Many small products: share out whole products (each run single-threaded), in runs of about
// kFlopsPerTake flops, taken from a counter by the caller and by any worker that is awake or
// wakes up in time (parallel_share; the caller does not wait for a sleeping one). Not when C is
// shared (sc == 0): then the products accumulate into one C, one after the other.
bool sgemm_batched_dispatched(std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                              const Matrix<const float>& A, std::int64_t sa, const Matrix<const float>& B,
                              std::int64_t sb, float beta, const Matrix<float>& C, std::int64_t sc) {
  const double flops = 2.0 * M * N * K;
  const int threads = num_threads();
  if (!(threads > 1 && batch > 1 && sc != 0 && flops > 0 && alpha != 0.0f &&
        flops * batch >= kMinFlopsShared && (flops < kMinFlopsPerThread * threads || batch >= 2 * threads)))
    return false;
  const std::int64_t products_per_take =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(kFlopsPerTake / flops));
  const std::int64_t takes = (batch + products_per_take - 1) / products_per_take;
  WorkCounter counter;
  parallel_share(threads, [&](const Team&) {
    for (std::int64_t r = counter.take(); r < takes; r = counter.take()) {
      for (std::int64_t p = r * products_per_take; p < std::min(batch, (r + 1) * products_per_take); ++p) {
        sgemm_dispatched(M, N, K, alpha, {A.data + p * sa, A.row_stride, A.col_stride},
                         {B.data + p * sb, B.row_stride, B.col_stride}, beta,
                         {C.data + p * sc, C.row_stride, 1},
                         /*alone=*/true);
      }
    }
  });
  return true;
}
// [doc:end]

}  // namespace sf::gemm
