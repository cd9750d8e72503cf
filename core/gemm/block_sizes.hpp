// block_sizes.hpp: MR, NR, KC, MC and NC, the five numbers that shape the packed gemm.
//
// The five loops (five_loops.cpp) cut C = A·B like this (BLIS's names):
//   loop 5 (jc): NC columns of B and C at a time   -> the packed KC×NC panel of B lives in L3
//   loop 4 (pc): KC of the K dimension at a time    -> one KC×NR micro-panel of B stays in L1
//   loop 3 (ic): MC rows of A and C at a time      -> the packed MC×KC block of A lives in L2
//   loop 2 (jr): NR columns: one micro-panel of B
//   loop 1 (ir): MR rows: one micro-panel of A; the microkernel adds an MR×NR tile of C
// MR×NR is set by the registers: the tile's accumulators must all fit in vector registers, with a
// few registers left for the row of B and the broadcast element of A.
//
// Tuned on: AMD Zen 5 (EPYC, family 26, 2-vCPU KVM guest): 48 KiB L1d and 1 MiB L2 per core,
// 32 MiB L3; two full 512-bit FMA pipes, so 64 flop/cycle per core with zmm (273 GFLOP/s measured
// on one core) and 32 with ymm; FMA latency 4 cycles. Zen 4 differs: there a zmm FMA is split in
// two 256-bit halves (32 flop/cycle, ~117 GFLOP/s per core) and L1d is 32 KiB, so KC·NR·4 bytes
// must stay below ~24 KiB there (KC = 192) to keep the B micro-panel in L1.
#pragma once

#include <cstdint>

namespace sf::gemm {

struct BlockSizes {
  int mr;           // rows of the register tile (and of an A micro-panel)
  int nr;           // columns of the register tile (and of a B micro-panel)
  std::int64_t kc;  // depth of one pass over K
  std::int64_t mc;  // rows of the packed A block (a multiple of mr)
  std::int64_t nc;  // columns of the packed B panel (a multiple of nr)
};

// KC is the same for every microkernel, on purpose: each C element is then summed in the same
// order (k ascending within a KC block, the blocks one after the other) on every instruction set,
// and with fused multiply-adds everywhere the scalar, AVX2 and AVX-512 kernels give the same bits.
// KC = 256: the B micro-panel is 256·32·4 = 32 KiB, two thirds of the 48 KiB L1d, leaving room for
// the A micro-panel streaming through (12·256·4 = 12 KiB).
inline constexpr std::int64_t KC = 256;

// AVX-512: 12×32 tile = 12 rows × 2 zmm = 24 accumulators of the 32 zmm registers; 2 hold the row
// of B and 1 the broadcast of A. 24 independent FMA chains hide the 4-cycle latency of 2 pipes
// (8 would do) and each k step does 24 FMAs for 2 loads + 12 broadcasts. MR = 12 divides the
// sequence lengths we use (24 tokens, 1536 rows). MC = 480: the A block is 480·256·4 = 480 KiB,
// half of the 1 MiB L2. NC = 4096: the B panel is 256·4096·4 = 4 MiB of the 32 MiB L3.
inline constexpr BlockSizes kAvx512Blocks{.mr = 12, .nr = 32, .kc = KC, .mc = 480, .nc = 4096};

// AVX2 (16 ymm registers): 6×16 tile = 6 rows × 2 ymm = 12 accumulators, 2 for B, 1 broadcast.
inline constexpr BlockSizes kAvx2Blocks{.mr = 6, .nr = 16, .kc = KC, .mc = 480, .nc = 4096};

// Portable C++: 4×4 = 16 scalar accumulators, what a machine with 16 registers can hold.
inline constexpr BlockSizes kScalarBlocks{.mr = 4, .nr = 4, .kc = KC, .mc = 480, .nc = 4096};

}  // namespace sf::gemm
