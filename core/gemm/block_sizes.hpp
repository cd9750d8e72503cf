// block_sizes.hpp: MR, NR, KC, MC and NC, the five numbers that shape the packed gemm.
//
// The five loops (five_loops.cpp) cut C = A·B like this (BLIS's names):
//   loop 5 (jc): NC columns of B and C at a time   -> the packed KC×NC panel of B lives in L3
//   loop 4 (pc): KC of the K dimension at a time    -> KC×NR micro-panels of B, MR×KC of A
//   loop 3 (ic): MC rows of A and C at a time      -> the packed MC×KC block of A lives in L2
//   loop 2 (jr): NR columns: one micro-panel of B
//   loop 1 (ir): MR rows: one micro-panel of A; the microkernel adds an MR×NR tile of C
// MR×NR is set by the registers: the tile's accumulators must all fit in vector registers, with a
// few registers left for the row of B and the broadcast element of A.
//
// Tuned on: AMD Zen 5 (EPYC, family 26, 2-vCPU KVM guest): 48 KiB L1d and 1 MiB L2 per core,
// 32 MiB L3; two full 512-bit FMA pipes, so 64 flop/cycle per core with zmm and 32 with ymm; FMA
// latency 4 cycles. Zen 4 differs: there a zmm FMA is split in two 256-bit halves (32 flop/cycle,
// so half the bandwidth per flop is needed) and L1d is 32 KiB; the same numbers are a reasonable start there
// but were not tuned.
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

// [doc:block-sizes]
// KC is the same for every microkernel, on purpose: each C element is then summed in the same order
// (k ascending within a KC block, the blocks one after the other) on every instruction set, and
// with fused multiply-adds everywhere the scalar, AVX2 and AVX-512 kernels give the same bits.
// KC = 512: every KC slice reads and writes the whole of C once, and C (often larger than L2) is the
// costliest traffic left once A and B are packed; 512 halves it against 256. The price: the B
// micro-panel (512·32·4 = 64 KiB) no longer fits in the 48 KiB L1, so it streams from L2 with the A
// micro-panel, 128 + 48 bytes per k step of 12 cycles, far below what L2 delivers (64 bytes/cycle).
inline constexpr std::int64_t KC = 512;

// AVX-512: 12×32 tile = 12 rows × 2 zmm = 24 accumulators of the 32 zmm registers; 2 hold the row
// of B and 1 the broadcast of A. 24 independent FMA chains hide the 4-cycle latency of 2 pipes (8
// would do) and each k step does 24 FMAs for 2 loads + 12 broadcasts. Other tiles that fill the
// registers (14×32, 8×48, 6×64, 7×64) do as well on their own; 12 divides the sequence lengths we
// use (24 tokens, 1536 rows). MC = 240: the A block is 240·512·4 = 480 KiB, half of the 1 MiB L2.
// NC = 4096: the B panel is 512·4096·4 = 8 MiB, a quarter of the 32 MiB L3.
inline constexpr BlockSizes kAvx512Blocks{.mr = 12, .nr = 32, .kc = KC, .mc = 240, .nc = 4096};
// [doc:end]

// [doc:direct-short-k]
// The same kernel on unpacked operands (dispatch.cpp's fast paths) takes 8×32 tiles when K is
// short: A is not packed, so each row of the tile reads A through its own pointer, and 12 of them
// with the loop's other pointers and counters exceed x86-64's 16 general registers; the compiler
// then keeps some on the stack and reloads them around each tile. 8 rows (16 accumulators, still
// twice the 8 that hide the latency) avoid that, and for K <= 128 they are as fast as 12 or faster.
// From K = 256 on it keeps 12 rows: there each row of B, streaming from L2, must serve as many rows
// of A as in the packed kernel (for a weight gradient with A read transposed, 8 rows are clearly
// slower).
inline constexpr std::int64_t kAvx512DirectShortK = 128;
// [doc:end]

// AVX2 (16 ymm registers): 6×16 tile = 6 rows × 2 ymm = 12 accumulators, 2 for B, 1 broadcast;
// the B micro-panel (512·16·4 = 32 KiB) fits in L1. Not tuned beyond that (the AVX2 path only
// runs on CPUs without AVX-512).
inline constexpr BlockSizes kAvx2Blocks{.mr = 6, .nr = 16, .kc = KC, .mc = 240, .nc = 4096};

// Portable C++ (microkernel_scalar.cpp): 8×16, shaped for the compiler's vectoriser: with
// -march=native on this machine each 16-float row becomes one zmm register (8 accumulators, the
// minimum that hides the FMA latency); a baseline x86-64 build runs it as plain scalar code.
inline constexpr BlockSizes kScalarBlocks{.mr = 8, .nr = 16, .kc = KC, .mc = 240, .nc = 4096};

}  // namespace sf::gemm
