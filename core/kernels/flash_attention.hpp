// flash_attention.hpp: attention computed block by block with a running softmax, in O(L) memory.
// Raw pointers and sizes only; the autograd op is core/ops/flash_attention.cpp.
//
// The plain attention (core/ops/attention.cpp) builds the scores S = Q·Kᵀ·scale [Lq, Lk] of every head,
// their softmax P, the dropped-out P and, in backward, their gradients: five Lq×Lk tensors per head
// travel to memory and back. Here a block of queries meets one block of keys at a time, and only
// that block's scores exist, in a scratch buffer that stays in the cache:
//
//   forward, for each block of queries:    m = -inf, l = 0, O = 0        (m, l: one number per row)
//     for each block of keys:  S = Q·Kᵀ·scale (+ mask)
//                              m' = max(m, rowmax S)       O ← O·e^(m - m'),  l ← l·e^(m - m')
//                              P = e^(S - m')              l ← l + rowsum P,  O ← O + dropout(P)·V
//                              m ← m'
//     O ← O / l, and lse = m + log l is kept for backward (one number per query row).
//
// Every rescaling multiplies by e^(m_old - m_new) ≤ 1, so nothing overflows, and at the end
// O = Σ_j e^(s_j - m) v_j / Σ_j e^(s_j - m): the softmax-weighted sum, exactly as the plain path's.
//
//   backward, for each head: D = rowsum(dO ⊙ O) (= rowsum(dP̃ ⊙ P̃) for the dropped-out weights P̃)
//     for each block of keys, for each block of queries (the same order on any thread count):
//       S = Q·Kᵀ·scale (+ mask),  P = e^(S - lse)       the weights, recomputed instead of stored
//       dV += P̃ᵀ·dO                                      P̃ = P ⊙ keep/(1-p), keep redrawn
//       dP = (dO·Vᵀ) ⊙ keep/(1-p),  dS = P ⊙ (dP - D)    softmax's backward, row by row
//       dQ += dS·K·scale,  dK += dSᵀ·Q·scale
//
// Masks (one at most, broadcast to [B, heads, Lq, Lk] through its strides): bool (true = hidden) or
// float (added to the scaled scores). A block whose every entry is hidden is skipped (a causal mask:
// about half of them). A query row that may see no key gets a zero output and zero gradients, as
// in the plain path.
// Dropout: element (b, h, i, j) of the weights is kept when draw start + ((b·heads + h)·Lq + i)·Lk + j
// of the counter-based stream is at least p: the very draw the plain path's dropout (of the
// contiguous [B, heads, Lq, Lk] weights) uses, so both drop the same elements.
#pragma once

#include <cstdint>

namespace sf::kernels {

// [doc:flash-blocks]
/// Queries per block: a task's rows. With d_k = 64 its Q block and running output are 16 KiB each.
inline constexpr std::int64_t kFlashQueryBlock = 64;
/// Keys per block. The scores (64×128 floats, 32 KiB) with the key and value blocks (32 KiB each)
/// stay in L2 (1 or 2 MiB a core) while the block is worked on (L1 holds the rows the microkernel streams),
/// and the microkernel's 32-column tiles divide both block sizes: no full block has a ragged edge.
inline constexpr std::int64_t kFlashKeyBlock = 128;
// [doc:end]

/// A [B, heads, L, d] tensor whose last axis is contiguous: element (b, h, i, c) at
/// data[b·batch_stride + h·head_stride + i·row_stride + c].
template <class T>
struct HeadsView {
  T* data;
  std::int64_t batch_stride, head_stride, row_stride;
  T* row(std::int64_t b, std::int64_t h, std::int64_t i) const {
    return data + b * batch_stride + h * head_stride + i * row_stride;
  }
};

/// At most one mask, read through its strides over [B, heads, Lq, Lk] (0 along broadcast axes):
/// `hidden` (bool, true = hidden) or `bias` (added to the scaled scores); both null: no mask.
template <class T>
struct FlashMask {
  const bool* hidden = nullptr;
  const T* bias = nullptr;
  std::int64_t batch_stride = 0, head_stride = 0, query_stride = 0, key_stride = 0;
};

/// Dropout of the weights: p == 0 means none; else the stream `key` from draw `start` (see above).
struct FlashDropout {
  double p = 0;
  std::uint64_t key = 0, start = 0;
};

struct FlashSizes {
  std::int64_t batch, heads, queries, keys, d_k, d_v;
};

/// out = dropout(softmax(q·kᵀ·scale + mask))·v, and what backward needs of the weights:
///  - more keys than one block (keys > kFlashKeyBlock): lse [B·heads·Lq] (row b·heads·Lq + h·Lq + i),
///    the log of each row's softmax denominator, +inf for a row that sees no key;
///  - every key in one block: the weights themselves before dropout, `weights` [B·heads·Lq, Lk]
///    (Lk ≤ kFlashKeyBlock numbers a row, so still linear in Lq), which backward then need not
///    recompute. Null when no backward follows.
/// The other of the two is not touched (may be null). Threads share the (head, query block) pairs;
/// each pair is computed whole by one thread, so the bits do not depend on the thread count.
template <class T>
void flash_attention_forward(const FlashSizes& s, HeadsView<const T> q, HeadsView<const T> k,
                             HeadsView<const T> v, const FlashMask<T>& mask, const FlashDropout& dropout,
                             T scale, HeadsView<T> out, T* lse, T* weights);

/// dq, dk, dv from dout and what the forward kept (out, and lse or weights as above). Threads share
/// the heads; each head's sums run in one fixed order.
template <class T>
void flash_attention_backward(const FlashSizes& s, HeadsView<const T> q, HeadsView<const T> k,
                              HeadsView<const T> v, HeadsView<const T> out, HeadsView<const T> dout,
                              const T* lse, const T* weights, const FlashMask<T>& mask,
                              const FlashDropout& dropout, T scale, HeadsView<T> dq, HeadsView<T> dk,
                              HeadsView<T> dv);

}  // namespace sf::kernels
