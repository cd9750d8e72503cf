// five_loops.cpp: BLIS's five loops around the microkernel (the packed, packed_simd and threaded rungs).
//
//   for jc in [0, N) step NC:           loop 5: a panel of NC columns of B and C
//     for pc in [0, K) step KC:         loop 4: a KC-deep slice of the sum
//       pack B[pc:pc+KC, jc:jc+NC]      -> KC×NC panel, NR-wide micro-panels (L3)
//       for ic in [0, M) step MC:       loop 3: a block of MC rows of A and C
//         pack A[ic:ic+MC, pc:pc+KC]    -> MC×KC block, MR-high micro-panels (L2)
//                                          (skipped when N is small: see pack_a below)
//         for jr in [0, NC) step NR:    loop 2: one micro-panel of B (L1 or L2)
//           for ir in [0, MC) step MR:  loop 1: one micro-panel of A
//             C[ic+ir : +MR, jc+jr : +NR] (+)= microkernel(A micro-panel, B micro-panel)
//
// The first KC slice applies beta to C; the later ones add to it (beta = 1), so each element of C
// is always summed in the same order. Block sizes and the reasons for them: block_sizes.hpp.
//
// Threads (the threaded rung): a team of threads runs these loops together. All of them pack the
// shared B panel (each a share of its micro-panels), wait at a barrier, then each computes its own
// rectangle of C: a range of rows (loop 3, packing its own A blocks) times a range of micro-panel
// columns (loop 2). When the team splits only the columns, all members need the same A blocks,
// and they pack each one together too, with a barrier per block (for the 2048×512×2048 weight
// gradient on two threads: 425 -> 450 GFLOP/s, since A's packing was 15% of the time). K is never
// split, so no two threads add to the same element of C and the result has the same bits for any
// team size. Two B buffers alternate so that one barrier per panel suffices: a thread packing
// panel p+1 cannot overwrite panel p while another still reads it.
#include <algorithm>
#include <climits>
#include <vector>

#include "core/gemm/kernels.hpp"
#include "core/parallel/thread_pool.hpp"

namespace sf::gemm {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// The packing buffers of one calling thread, kept between calls: once they have grown to the
// largest problem seen, a gemm allocates nothing. The A blocks of every team member are allocated
// here too, before the team starts, so nothing inside the team can throw.
struct Workspace {
  AlignedBuffer b_panel[2];
  std::vector<AlignedBuffer> a_block;  // one per team member
  std::vector<float*> a_ptr;
};
Workspace& workspace() {
  thread_local Workspace ws;
  return ws;
}

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

struct Problem {
  std::int64_t M, N, K;
  float alpha;
  Matrix<const float> A, B;
  float beta;
  Matrix<float> C;
};

// [doc:five-loops]
void five_loops(const KernelSet& ks, const Problem& p, float* const b_panel[2], float* const* a_blocks,
                const Team& team) {
  const auto [MR, NR, KC, MC, NC] = ks.blocks;
  const auto& [M, N, K, alpha, A, B, beta, C] = p;
  // This member's rectangle of C: rows [i_begin, i_end) and, per panel, micro-panels [q_begin, q_end).
  const std::int64_t row_tiles = ceil_div(M, MR);
  const Split split = choose_split(team.size(), row_tiles, ceil_div(std::min(N, NC), NR));
  const int my_rows = team.id() / split.col_parts, my_cols = team.id() % split.col_parts;
  const std::int64_t i_begin = row_tiles * my_rows / split.row_parts * MR;
  const std::int64_t i_end = std::min(M, row_tiles * (my_rows + 1) / split.row_parts * MR);
  int buffer = 0;
  // A packed block is reused by every micro-panel of B in the panel. With few of them (N <= 8·NR)
  // the copy does not pay for itself and the microkernel reads A in place instead (small.cpp's
  // kernel; measured 5-20% faster at N = 128 and 256, slower from N = 512 on).
  const bool pack_a = ks.micro_direct == nullptr || N > 8 * NR;
  // When the team splits only columns, every member needs the same A blocks: they pack each block
  // together (a share of its micro-panels each) into one of two shared buffers, instead of each
  // packing all of it. Two buffers alternate for the same reason as B's.
  const bool share_a = pack_a && team.size() > 1 && split.row_parts == 1;
  int a_buffer = 0;

  for (std::int64_t jc = 0; jc < N; jc += NC) {  // loop 5
    const std::int64_t nc = std::min(NC, N - jc);
    const std::int64_t col_tiles = ceil_div(nc, NR);
    for (std::int64_t pc = 0; pc < K; pc += KC) {  // loop 4
      const std::int64_t kc = std::min(KC, K - pc);
      float* bp = b_panel[buffer];
      if (team.size() > 1) buffer ^= 1;
      // Pack the B panel together: this member packs micro-panels [q0, q1).
      const std::int64_t q0 = col_tiles * team.id() / team.size();
      const std::int64_t q1 = col_tiles * (team.id() + 1) / team.size();
      if (q1 > q0) {
        ks.pack_b(std::min(nc, q1 * NR) - q0 * NR, kc, B.data + pc * B.row_stride + (jc + q0 * NR) * B.col_stride,
                  B.col_stride, B.row_stride, bp + q0 * NR * kc);
      }
      team.sync();  // the whole panel is packed before anyone reads it

      const float beta_pc = pc == 0 ? beta : 1.0f;  // later slices add to what the first one wrote
      const std::int64_t q_begin = col_tiles * my_cols / split.col_parts;
      const std::int64_t q_end = col_tiles * (my_cols + 1) / split.col_parts;
      for (std::int64_t ic = i_begin; ic < i_end; ic += MC) {  // loop 3
        const std::int64_t mc = std::min(MC, i_end - ic);
        const float* a = A.data + ic * A.row_stride + pc * A.col_stride;
        float* a_block = share_a ? a_blocks[a_buffer] : a_blocks[team.id()];
        if (share_a) {  // this member packs micro-panels [r0, r1) of the block
          const std::int64_t panels = ceil_div(mc, MR);
          const std::int64_t r0 = panels * team.id() / team.size(),
                             r1 = panels * (team.id() + 1) / team.size();
          if (r1 > r0)
            ks.pack_a(std::min(mc, r1 * MR) - r0 * MR, kc, a + r0 * MR * A.row_stride, A.row_stride,
                      A.col_stride, a_block + r0 * MR * kc);
          team.sync();  // the whole block is packed before anyone reads it
          a_buffer ^= 1;
        } else if (pack_a) {
          ks.pack_a(mc, kc, a, A.row_stride, A.col_stride, a_block);
        }
        for (std::int64_t q = q_begin; q < q_end; ++q) {  // loop 2: jr = q·NR
          const int n = static_cast<int>(std::min<std::int64_t>(NR, nc - q * NR));
          float* c = C.data + ic * C.row_stride + jc + q * NR;
          if (!pack_a) {  // loop 1 inside the direct kernel: the whole column of tiles in one call
            ks.micro_direct(kc, a, A.row_stride, A.col_stride, bp + q * NR * kc, NR, alpha, beta_pc, c,
                            C.row_stride, static_cast<int>(mc), n);
            continue;
          }
          for (std::int64_t ir = 0; ir < mc; ir += MR) {  // loop 1
            const int m = static_cast<int>(std::min<std::int64_t>(MR, mc - ir));
            ks.micro(kc, a_block + ir * kc, bp + q * NR * kc, alpha, beta_pc, c + ir * C.row_stride,
                     C.row_stride, m, n);
          }
        }
      }
    }
  }
}
// [doc:end]

}  // namespace

void gemm_packed(const KernelSet& ks, int threads, std::int64_t M, std::int64_t N, std::int64_t K,
                 float alpha, const Matrix<const float>& A, const Matrix<const float>& B, float beta,
                 const Matrix<float>& C) {
  const BlockSizes& bs = ks.blocks;
  const std::int64_t kc = std::min(K, bs.kc);
  const std::int64_t tiles = ceil_div(M, bs.mr) * ceil_div(std::min(N, bs.nc), bs.nr);
  if (threads > tiles) threads = static_cast<int>(tiles);
  if (threads < 1) threads = 1;

  Workspace& ws = workspace();
  const std::int64_t b_size = kc * ceil_div(std::min(N, bs.nc), bs.nr) * bs.nr;
  const std::int64_t a_size = kc * std::min(bs.mc, ceil_div(M, bs.mr) * bs.mr);
  float* b_panel[2] = {ws.b_panel[0].reserve(b_size), threads > 1 ? ws.b_panel[1].reserve(b_size) : nullptr};
  if (ws.a_block.size() < static_cast<std::size_t>(threads)) ws.a_block.resize(threads);
  ws.a_ptr.resize(threads);
  for (int t = 0; t < threads; ++t) ws.a_ptr[t] = ws.a_block[t].reserve(a_size);

  const Problem problem{M, N, K, alpha, A, B, beta, C};
  float* const* a_ptr = ws.a_ptr.data();
  parallel_team(threads, [&](const Team& team) { five_loops(ks, problem, b_panel, a_ptr, team); });
}

}  // namespace sf::gemm
