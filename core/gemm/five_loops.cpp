// five_loops.cpp: BLIS's five loops around the microkernel (the packed and packed_simd rungs).
//
//   for jc in [0, N) step NC:           jc loop (loop 5): a panel of NC columns of B and C
//     for pc in [0, K) step KC:         pc loop (loop 4): a KC-deep slice of the sum
//       pack B[pc:pc+KC, jc:jc+NC]      -> KC×NC panel, NR-wide micro-panels (L3)
//       for ic in [0, M) step MC:       ic loop (loop 3): a block of MC rows of A and C
//         pack A[ic:ic+MC, pc:pc+KC]    -> MC×KC block, MR-high micro-panels (L2)
//         for jr in [0, NC) step NR:    jr loop (loop 2): one micro-panel of B (L1 or L2)
//           for ir in [0, MC) step MR:  ir loop (loop 1): one micro-panel of A
//             C[ic+ir : +MR, jc+jr : +NR] (+)= microkernel(A micro-panel, B micro-panel)
//
// The first KC slice applies beta to C; the later ones add to it (beta = 1), so each element of C
// is always summed in the same order. Block sizes and the reasons for them: block_sizes.hpp.
//
// Threads: one team runs these loops together. All members pack the shared B panel (each a share
// of its micro-panels) and wait at a barrier; then each computes its own range of rows of C (the
// ic loop over its rows, packing its own A blocks). K is never split, so no two threads add to the
// same element of C, and the result has the same bits for any team size. Two B buffers alternate,
// so that one barrier per panel suffices: a member packing panel p+1 cannot overwrite panel p
// while another still reads it.
//
// The default product (dispatch.cpp) runs a faster variant of these loops: it splits the team over
// rows and columns, shares A blocks between members, and can skip packing A.
#include <algorithm>
#include <vector>

#include "core/aligned.hpp"
#include "core/gemm/ladder.hpp"
#include "core/parallel/thread_pool.hpp"

namespace sf::gemm {
namespace {

// [doc:five-loops]
// The five loops on one member of a team; b_panel[0..1] and a_block[team.id()] are its buffers.
void five_loops(const Microkernels& mk, const Product& p, float* const b_panel[2], float* a_block,
                const Team& team) {
  const auto [MR, NR, KC, MC, NC] = mk.blocks;
  const auto& [M, N, K, alpha, A, B, beta, C] = p;
  // This member's rows of C: [i_begin, i_end), a share of the MR-row tiles.
  const std::int64_t row_tiles = ceil_div(M, MR);
  const std::int64_t i_begin = row_tiles * team.id() / team.size() * MR;
  const std::int64_t i_end = std::min(M, row_tiles * (team.id() + 1) / team.size() * MR);
  int buffer = 0;

  for (std::int64_t jc = 0; jc < N; jc += NC) {  // jc loop (loop 5)
    const std::int64_t nc = std::min(NC, N - jc);
    const std::int64_t col_tiles = ceil_div(nc, NR);
    for (std::int64_t pc = 0; pc < K; pc += KC) {  // pc loop (loop 4)
      const std::int64_t kc = std::min(KC, K - pc);
      // pack B: the team packs the KC×NC panel together; this member packs micro-panels [q0, q1).
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
      for (std::int64_t ic = i_begin; ic < i_end; ic += MC) {  // ic loop (loop 3)
        const std::int64_t mc = std::min(MC, i_end - ic);
        // pack A: this member's MC×KC block
        mk.pack_a(mc, kc, A.data + ic * A.row_stride + pc * A.col_stride, A.row_stride, A.col_stride,
                  a_block);
        for (std::int64_t q = 0; q < col_tiles; ++q) {  // jr loop (loop 2): jr = q·NR
          const int n = static_cast<int>(std::min<std::int64_t>(NR, nc - q * NR));
          float* c = C.data + ic * C.row_stride + jc + q * NR;
          for (std::int64_t ir = 0; ir < mc; ir += MR) {  // ir loop (loop 1)
            const int m = static_cast<int>(std::min<std::int64_t>(MR, mc - ir));
            mk.micro(kc, a_block + ir * kc, bp + q * NR * kc, alpha, beta_pc, c + ir * C.row_stride,
                     C.row_stride, m, n);
          }  // end of the ir loop
        }    // end of the jr loop
      }      // end of the ic loop
    }        // end of the pc loop
  }          // end of the jc loop
}
// [doc:end]

// The packing buffers of one calling thread (see PackingBuffers).
struct Workspace {
  AlignedBuffer b_panel[2];
  std::vector<AlignedBuffer> a_block;  // one per team member
  std::vector<float*> a_ptr;
};

}  // namespace

PackingBuffers packing_buffers(const Microkernels& mk, int threads, std::int64_t M, std::int64_t N,
                               std::int64_t K) {
  thread_local Workspace ws;
  const BlockSizes& bs = mk.blocks;
  const std::int64_t kc = std::min(K, bs.kc);
  const std::int64_t b_size = kc * ceil_div(std::min(N, bs.nc), bs.nr) * bs.nr;
  const std::int64_t a_size = kc * std::min(bs.mc, ceil_div(M, bs.mr) * bs.mr);
  PackingBuffers buffers{
      {ws.b_panel[0].reserve(b_size), threads > 1 ? ws.b_panel[1].reserve(b_size) : nullptr}, nullptr};
  if (ws.a_block.size() < static_cast<std::size_t>(threads)) ws.a_block.resize(threads);
  ws.a_ptr.resize(threads);
  for (int t = 0; t < threads; ++t) ws.a_ptr[t] = ws.a_block[t].reserve(a_size);
  buffers.a_block = ws.a_ptr.data();
  return buffers;
}

// [doc:gemm-packed]
void gemm_packed(const Microkernels& mk, int threads, std::int64_t M, std::int64_t N, std::int64_t K,
                 float alpha, const Matrix<const float>& A, const Matrix<const float>& B, float beta,
                 const Matrix<float>& C) {
  // No more members than tiles of rows (each member takes whole tiles), and at least one.
  threads = static_cast<int>(std::min<std::int64_t>(threads, ceil_div(M, mk.blocks.mr)));
  if (threads < 1) threads = 1;
  const PackingBuffers buffers = packing_buffers(mk, threads, M, N, K);
  const Product product{M, N, K, alpha, A, B, beta, C};
  parallel_team(threads, [&](const Team& team) {
    five_loops(mk, product, buffers.b_panel, buffers.a_block[team.id()], team);
  });
}
// [doc:end]

}  // namespace sf::gemm
