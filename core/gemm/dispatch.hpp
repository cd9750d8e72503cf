// dispatch.hpp: the default matrix product: which path computes a product, and on how many threads.
//
// The ladder (ladder.hpp) computes every product one way. A Transformer's products come in every
// shape: attention's per-head products of a few dozen rows, a decoder's single row times a weight,
// the weight gradients of thousands of rows. sgemm with the default Variant::threaded, and the
// tensor op through it, come here instead, and the dispatcher picks per product (dispatch.cpp):
//
//   a few rows times Wᵀ (M <= kFewRows, B a transposed row-major matrix)
//       -> few_rows_times_weight: W is read in place, never packed
//   a small product (M·N·K <= kSmallMaxVolume and K <= KC)
//       -> small_product_unpacked: the microkernel reads A and B unpacked (a transposed B is
//          packed one micro-panel at a time, just before use)
//   anything else
//       -> five_loops_on_split_team: the ladder's five loops, the team split over rows and
//          columns, A blocks shared by the members, A read in place when N is small
//
// and the threads: threads_for(work_of(...)) members for a team, help from awake workers for a
// small product, whole products shared out for a batch of small ones. Every path sums each
// element of C with the same fused multiply-adds in the same order as the ladder's five loops: the
// same bits on every path and any thread count (tests/core/test_gemm_determinism.cpp).
//
// Each path can also finish C with an epilogue (core/kernels/epilogue.hpp: a bias, a ReLU, dropout,
// a residual add), applied to each tile right after the product has stored it: the tile is still
// in the L1 cache, and C goes to memory once instead of once per step.
//
// Internal: the tensor layer calls gemm.hpp. The measurements behind the thresholds below are in
// docs/appendix-a-making-matmul-fast.md, with the commands that reproduce them.
#pragma once

#include <cstdint>

#include "core/gemm/gemm.hpp"
#include "core/gemm/microkernels.hpp"

namespace sf::gemm {

// [doc:thresholds]
// ---- The thresholds: every number the dispatcher decides by --------------------------------------

/// Threads for a product (threads_for): waking a sleeping worker costs tens of microseconds (an
/// interrupt, through the hypervisor on a virtual machine), the time one core needs for several
/// million flops. Below this much work per thread a product (or a batch) runs on the caller alone.
inline constexpr double kMinFlopsPerThread = 8.0e6;

/// Help for a small product: a small product does not wait for a sleeping worker; workers help only
/// if they are awake (one has just finished a task and still watches for the next). From this many
/// flops on, such help repays the cache lines the two cores then exchange; below it the caller
/// computes the product alone.
inline constexpr double kMinFlopsShared = 2.0e6;

/// Work a thread takes from a shared counter at a time (small products, batches of them): about a
/// microsecond on one core, so that the counter's cache line, which travels between the cores on
/// every take, costs little against the work it hands out.
inline constexpr double kFlopsPerTake = 2.5e5;

/// The small-product path: up to this many multiply-adds (M·N·K) packing is not repaid, and the
/// microkernel reads the operands unpacked. From here on the five loops are as fast or faster.
inline constexpr double kSmallMaxVolume = 256.0 * 256.0 * 256.0;

/// The five loops read A in place (the direct microkernel) instead of packing it when a panel of
/// B has at most this many micro-panels: a packed A block is reused once per micro-panel of B,
/// and with few of them the copy costs more than it saves. (Not for a transposed A: see
/// five_loops_split.)
inline constexpr std::int64_t kMaxMicroPanelsForDirectA = 8;

/// The work of a product whose operands do not fit in the L2 cache (work_of) is the time to read
/// them from memory: one core reads about one byte in the time it does 16 flops.
inline constexpr double kL2Bytes = 1 << 20;
inline constexpr double kFlopsPerByte = 16;

/// The few-rows path takes at most kFewRows rows of A (microkernels.hpp: the few-rows kernel's shape).
// [doc:end]

/// Whether small_product_unpacked handles this product: `mk` has a direct microkernel, K fits in
/// one KC slice and the product is small enough that packing would not be repaid. (Inline, like the
/// next one: the dispatcher asks both for every product, small ones included.)
inline bool small_path_applies(const Microkernels& mk, std::int64_t M, std::int64_t N, std::int64_t K) {
  return mk.micro_direct != nullptr && K <= mk.blocks.kc &&
         double(M) * double(N) * double(K) <= kSmallMaxVolume;
}
/// Whether few_rows_times_weight handles this product: `mk` has a few-rows kernel, M <= kFewRows,
/// and B is the transpose of a row-major matrix (B.row_stride == 1), as the weight in x·Wᵀ.
inline bool few_rows_path_applies(const Microkernels& mk, std::int64_t M, const Matrix<const float>& B) {
  return mk.few_rows_nt != nullptr && M <= kFewRows && B.row_stride == 1 && B.col_stride != 1;
}

/// The default product (Variant::threaded): picks the path and the threads. Arguments checked,
/// M, N, K >= 1 and alpha != 0 (gemm.cpp handles the rest). `alone`: on the calling thread only.
/// `epilogue`: applied to each tile of C once the product has finished it (sgemm_epilogue; alpha
/// 1 and beta 0 then), nullptr for none.
void sgemm_dispatched(std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                      const Matrix<const float>& A, const Matrix<const float>& B, float beta,
                      const Matrix<float>& C, bool alone = false,
                      const kernels::Epilogue<float>* epilogue = nullptr);

/// A batch of products for Variant::threaded (batch_stride_* as in sgemm_batched). Returns false,
/// having done nothing, when the batch is better computed one product after the other (each by
/// sgemm_dispatched): large products, a single thread, or a C shared by the whole batch.
bool sgemm_batched_dispatched(std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                              const Matrix<const float>& A, std::int64_t batch_stride_a,
                              const Matrix<const float>& B, std::int64_t batch_stride_b, float beta,
                              const Matrix<float>& C, std::int64_t batch_stride_c);

}  // namespace sf::gemm
