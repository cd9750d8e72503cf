// flash_attention.cpp: the block loops of flash_attention.hpp. The block products are the library's
// matrix product (core/gemm), called on the blocks in place; the softmax steps are plain loops.
#include "core/kernels/flash_attention.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/gemm/gemm.hpp"
#include "core/kernels/dropout.hpp"
#include "core/kernels/math.hpp"
#include "core/kernels/softmax.hpp"
#include "core/parallel/thread_pool.hpp"
#include "core/random.hpp"

namespace sf::kernels {
namespace {

/// Flops a thread should get before a second one is woken for it: waking a sleeping worker costs
/// tens of microseconds, the time for several million flops (as the matrix product's own threshold).
constexpr double kMinFlopsPerChunk = 8.0e6;

/// C = alpha·A·B + beta·C in float or double.
void product(std::int64_t M, std::int64_t N, std::int64_t K, float alpha, gemm::Matrix<const float> A,
             gemm::Matrix<const float> B, float beta, gemm::Matrix<float> C) {
  gemm::sgemm(M, N, K, alpha, A, B, beta, C);
}
void product(std::int64_t M, std::int64_t N, std::int64_t K, double alpha, gemm::Matrix<const double> A,
             gemm::Matrix<const double> B, double beta, gemm::Matrix<double> C) {
  gemm::dgemm(M, N, K, alpha, A, B, beta, C);
}

/// How much of one block of the scores a mask hides.
enum class Hidden { none, some, all };

/// The mask of one (sentence, head), and the questions the block loops ask of it.
template <class T>
struct HeadMask {
  const bool* hidden = nullptr;  // already moved to this sentence and head
  const T* bias = nullptr;
  std::int64_t query_stride = 0, key_stride = 0;

  HeadMask(const FlashMask<T>& m, std::int64_t b, std::int64_t h)
      : query_stride(m.query_stride), key_stride(m.key_stride) {
    const std::int64_t at = b * m.batch_stride + h * m.head_stride;
    if (m.hidden) hidden = m.hidden + at;
    if (m.bias) bias = m.bias + at;
  }

  /// Whether the block of rows [i0, i0 + ni) and columns [j0, j0 + nj) is hidden nowhere, somewhere
  /// or everywhere (a float mask hides where it is -inf).
  Hidden in_block(std::int64_t i0, std::int64_t ni, std::int64_t j0, std::int64_t nj) const {
    if (!hidden && !bias) return Hidden::none;
    std::int64_t count = 0;
    for (std::int64_t r = i0; r < i0 + ni; ++r)
      for (std::int64_t c = j0; c < j0 + nj; ++c) {
        const std::int64_t at = r * query_stride + c * key_stride;
        count += hidden ? hidden[at] : bias[at] == -std::numeric_limits<T>::infinity();
      }
    return count == 0 ? Hidden::none : count == ni * nj ? Hidden::all : Hidden::some;
  }

  /// The mask applied to the block's scaled scores s (row stride ld): -inf where hidden, or + bias.
  void apply(T* s, std::int64_t ld, std::int64_t i0, std::int64_t ni, std::int64_t j0,
             std::int64_t nj) const {
    for (std::int64_t r = 0; r < ni; ++r) {
      T* row = s + r * ld;
      const std::int64_t at = (i0 + r) * query_stride + j0 * key_stride;
      if (hidden) {
        for (std::int64_t c = 0; c < nj; ++c)
          if (hidden[at + c * key_stride]) row[c] = -std::numeric_limits<T>::infinity();
      } else {
        for (std::int64_t c = 0; c < nj; ++c) row[c] += bias[at + c * key_stride];
      }
    }
  }
};

/// The scores of one block, s[ni, nj] (row stride ld) = q rows [i0, i0 + ni) · k rows [j0, j0 + nj)ᵀ · scale,
/// masked (`hidden`: what in_block said of this block). K is read transposed in place: element (c, j) of Kᵀ
/// at k_row(j0) + j·row_stride + c.
template <class T>
void block_scores(T* s, std::int64_t ld, const T* q0, std::int64_t q_stride, const T* k0,
                  std::int64_t k_stride, std::int64_t ni, std::int64_t nj, std::int64_t d_k, T scale,
                  const HeadMask<T>& mask, Hidden hidden, std::int64_t i0, std::int64_t j0) {
  product(ni, nj, d_k, scale, {q0, q_stride, 1}, {k0, 1, k_stride}, T(0), {s, ld, 1});
  if (hidden == Hidden::some || mask.bias) mask.apply(s, ld, i0, ni, j0, nj);  // a bias is added everywhere
}

/// The weights of query rows [i0, i0 + ni) when every key fits in one block (nj <= kFlashKeyBlock),
/// computed as the plain path computes them: the scores unscaled, then masked_softmax's row kernel (or,
/// for a float mask, scale, add and softmax), the same operations in the same order, so the same bits.
template <class T>
void plain_weights(T* w, std::int64_t ld, const T* q0, std::int64_t q_stride, const T* k0,
                   std::int64_t k_stride, std::int64_t ni, std::int64_t nj, std::int64_t d_k, T scale,
                   const HeadMask<T>& mask, std::int64_t i0) {
  product(ni, nj, d_k, T(1), {q0, q_stride, 1}, {k0, 1, k_stride}, T(0), {w, ld, 1});
  for (std::int64_t r = 0; r < ni; ++r) {
    T* row = w + r * ld;
    const std::int64_t at = (i0 + r) * mask.query_stride;
    if (mask.bias) {
      for (std::int64_t c = 0; c < nj; ++c) row[c] = row[c] * scale + mask.bias[at + c * mask.key_stride];
      exp_and_normalise(row, row, nj, 1, row_max(row, nj, 1));
    } else {
      masked_softmax_row(row, row, nj, scale, mask.hidden ? mask.hidden + at : nullptr, mask.key_stride);
    }
  }
}

/// x[0] + ... + x[n-1] summed in kLanes interleaved partial sums, then those in order: the same bits
/// every time, and unlike one running sum (each addition waiting for the one before) the compiler
/// can keep the partial sums in one vector register.
template <class T>
T lane_sum(const T* x, std::int64_t n) {
  constexpr std::int64_t kLanes = 16;
  T partial[kLanes] = {};
  std::int64_t c = 0;
  for (; c + kLanes <= n; c += kLanes)
    for (std::int64_t u = 0; u < kLanes; ++u) partial[u] += x[c + u];
  for (std::int64_t u = 0; c < n; ++c, ++u) partial[u] += x[c];
  T total = 0;
  for (std::int64_t u = 0; u < kLanes; ++u) total += partial[u];
  return total;
}

/// ln x with the same bits on every machine (portable_log, as exp_of is portable), for x > 0 and finite;
/// anything else (NaN from NaN inputs) as the C library gives it.
template <class T>
T log_of(T x) {
  return x > T(0) && std::isfinite(x) ? static_cast<T>(portable_log(static_cast<double>(x))) : std::log(x);
}

/// The first draw of row i of head (b, h) in the dropout stream (flash_attention.hpp).
std::uint64_t dropout_row_start(const FlashSizes& s, const FlashDropout& d, std::int64_t b, std::int64_t h,
                                std::int64_t i) {
  return d.start + static_cast<std::uint64_t>(((b * s.heads + h) * s.queries + i) * s.keys);
}

/// How many tasks of `flops` each one thread should take at least (see kMinFlopsPerChunk).
std::int64_t tasks_per_chunk(double flops) {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(kMinFlopsPerChunk / std::max(flops, 1.0)));
}

}  // namespace

// [doc:flash-forward]
template <class T>
void flash_attention_forward(const FlashSizes& s, HeadsView<const T> q, HeadsView<const T> k,
                             HeadsView<const T> v, const FlashMask<T>& mask, const FlashDropout& dropout,
                             T scale, HeadsView<T> out, T* lse, T* weights) {
  constexpr T kInf = std::numeric_limits<T>::infinity();
  constexpr std::int64_t BQ = kFlashQueryBlock, BK = kFlashKeyBlock;
  const std::int64_t query_blocks = (s.queries + BQ - 1) / BQ, tasks = s.batch * s.heads * query_blocks;
  const T keep_scale = static_cast<T>(1.0 / (1.0 - dropout.p));  // as the dropout op computes it
  const double task_flops = 2.0 * double(std::min(BQ, s.queries)) * double(s.keys) * double(s.d_k + s.d_v);
  parallel_for(tasks, tasks_per_chunk(task_flops), [&](std::int64_t t0, std::int64_t t1) {
    // The block's scores; for the block walk only, its rows' running maximum and sum, and its running
    // output: O is summed here, in rows of d_v, and written to `out` once at the end (out's rows lie
    // heads·d_v apart, and at such strides, a multiple of 1 KiB, the rows of a block crowd into a few
    // sets of the L1 cache and evict one another).
    const bool walk = s.keys > BK;
    std::vector<T> scores(static_cast<std::size_t>(BQ * BK)), m(walk ? BQ : 0), l(walk ? BQ : 0),
        o_sum(static_cast<std::size_t>(walk ? BQ * s.d_v : 0));
    for (std::int64_t t = t0; t < t1; ++t) {
      const std::int64_t bh = t / query_blocks, b = bh / s.heads, h = bh % s.heads;
      const std::int64_t i0 = t % query_blocks * BQ, ni = std::min(BQ, s.queries - i0);
      const HeadMask<T> head_mask(mask, b, h);
      if (s.keys <= BK) {  // every key in one block: the plain softmax, no running one needed
        // The weights go where backward will find them (rows of Lk), or, with no backward, to the scratch.
        T* W = weights ? weights + (bh * s.queries + i0) * s.keys : scores.data();
        const std::int64_t ld = weights ? s.keys : BK;
        plain_weights(W, ld, q.row(b, h, i0), q.row_stride, k.row(b, h, 0), k.row_stride, ni, s.keys, s.d_k,
                      scale, head_mask, i0);
        const T* used = W;  // the weights that multiply V: after dropout, in the scratch
        std::int64_t ld_used = ld;
        if (dropout.p > 0) {
          for (std::int64_t r = 0; r < ni; ++r)
            dropout_apply(scores.data() + r * BK, W + r * ld, 0, s.keys, dropout.key,
                          dropout_row_start(s, dropout, b, h, i0 + r), static_cast<float>(dropout.p),
                          keep_scale);
          used = scores.data();
          ld_used = BK;
        }
        product(ni, s.d_v, s.keys, T(1), {used, ld_used, 1}, {v.row(b, h, 0), v.row_stride, 1}, T(0),
                {out.row(b, h, i0), out.row_stride, 1});
        continue;
      }
      T* lse_block = lse + bh * s.queries + i0;
      std::fill(m.begin(), m.end(), -kInf);
      std::fill(l.begin(), l.end(), T(0));
      std::fill(o_sum.begin(), o_sum.end(), T(0));
      for (std::int64_t j0 = 0; j0 < s.keys; j0 += BK) {
        const std::int64_t nj = std::min(BK, s.keys - j0);
        const Hidden hidden = head_mask.in_block(i0, ni, j0, nj);
        if (hidden == Hidden::all) continue;  // e^-inf = 0 everywhere: nothing to add
        T* S = scores.data();
        block_scores(S, BK, q.row(b, h, i0), q.row_stride, k.row(b, h, j0), k.row_stride, ni, nj, s.d_k,
                     scale, head_mask, hidden, i0, j0);
        // The running softmax: a new maximum m' rescales what the row has gathered by e^(m - m').
        for (std::int64_t r = 0; r < ni; ++r) {
          T* row = S + r * BK;
          const T m_new = std::max(m[r], row_max(row, nj, 1));
          if (m_new == -kInf) {  // hidden everywhere so far: adds nothing
            std::fill_n(row, nj, T(0));
            continue;
          }
          for (std::int64_t c = 0; c < nj; ++c) row[c] = exp_of(row[c] - m_new);
          const T sum = lane_sum(row, nj);
          if (m_new != m[r]) {
            const T rescale = exp_of(m[r] - m_new);  // 0 when m was -inf (the row had nothing yet)
            l[r] *= rescale;
            T* o = o_sum.data() + r * s.d_v;
            for (std::int64_t c = 0; c < s.d_v; ++c) o[c] *= rescale;
          }
          l[r] += sum;
          m[r] = m_new;
          if (dropout.p > 0)  // the weights after dropout; l keeps the sum before it
            dropout_apply(row, row, 0, nj, dropout.key, dropout_row_start(s, dropout, b, h, i0 + r) + j0,
                          static_cast<float>(dropout.p), keep_scale);
        }
        product(ni, s.d_v, nj, T(1), {S, BK, 1}, {v.row(b, h, j0), v.row_stride, 1}, T(1),
                {o_sum.data(), s.d_v, 1});
      }
      // O / l, and lse = m + log l for backward; a row that saw no key gets 0, with lse = +inf.
      for (std::int64_t r = 0; r < ni; ++r) {
        T* o = out.row(b, h, i0 + r);
        const T* sum = o_sum.data() + r * s.d_v;
        if (l[r] == T(0)) {
          std::fill_n(o, s.d_v, T(0));
          lse_block[r] = kInf;
          continue;
        }
        const T inv = T(1) / l[r];
        for (std::int64_t c = 0; c < s.d_v; ++c) o[c] = sum[c] * inv;
        lse_block[r] = m[r] + log_of(l[r]);
      }
    }
  });
}
// [doc:end]

namespace {
/// Backward of one head when every key fits in one block: the plain path's backward, the same products
/// over all Lq queries at once (so dK and dV are each one sum over the queries, as there) and the same
/// softmax kernel, from the weights P [Lq, Lk] the forward kept (linear in Lq, since Lk is at most a
/// block), with the dropped-out weights and dS in `scratch` (2·Lq·Lk numbers).
template <class T>
void one_block_backward(const FlashSizes& s, std::int64_t b, std::int64_t h, HeadsView<const T> q,
                        HeadsView<const T> k, HeadsView<const T> v, HeadsView<const T> dout, const T* P,
                        const FlashDropout& dropout, T keep_scale, T scale, HeadsView<T> dq, HeadsView<T> dk,
                        HeadsView<T> dv, std::vector<T>& scratch) {
  const std::int64_t Lq = s.queries, Lk = s.keys;
  T *Pd = scratch.data(), *dS = Pd + Lq * Lk;
  if (dropout.p > 0)
    for (std::int64_t i = 0; i < Lq; ++i)
      dropout_apply(Pd + i * Lk, P + i * Lk, 0, Lk, dropout.key, dropout_row_start(s, dropout, b, h, i),
                    static_cast<float>(dropout.p), keep_scale);
  const T* used = dropout.p > 0 ? Pd : P;
  product(Lk, s.d_v, Lq, T(1), {used, 1, Lk}, {dout.row(b, h, 0), dout.row_stride, 1}, T(0),
          {dv.row(b, h, 0), dv.row_stride, 1});  // dV = P̃ᵀ·dO
  product(Lq, Lk, s.d_v, T(1), {dout.row(b, h, 0), dout.row_stride, 1}, {v.row(b, h, 0), 1, v.row_stride},
          T(0), {dS, Lk, 1});  // dP̃ = dO·Vᵀ
  for (std::int64_t i = 0; i < Lq; ++i) {
    T* row = dS + i * Lk;
    if (dropout.p > 0)
      dropout_apply(row, row, 0, Lk, dropout.key, dropout_row_start(s, dropout, b, h, i),
                    static_cast<float>(dropout.p), keep_scale);
    softmax_backward(row, P + i * Lk, row, 1, Lk, 1);  // dS = P ⊙ (dP - ⟨dP, P⟩)
    for (std::int64_t c = 0; c < Lk; ++c) row[c] *= scale;
  }
  product(Lq, s.d_k, Lk, T(1), {dS, Lk, 1}, {k.row(b, h, 0), k.row_stride, 1}, T(0),
          {dq.row(b, h, 0), dq.row_stride, 1});  // dQ = dS·K
  product(Lk, s.d_k, Lq, T(1), {dS, 1, Lk}, {q.row(b, h, 0), q.row_stride, 1}, T(0),
          {dk.row(b, h, 0), dk.row_stride, 1});  // dK = dSᵀ·Q
}
}  // namespace

// [doc:flash-backward]
template <class T>
void flash_attention_backward(const FlashSizes& s, HeadsView<const T> q, HeadsView<const T> k,
                              HeadsView<const T> v, HeadsView<const T> out, HeadsView<const T> dout,
                              const T* lse, const T* weights, const FlashMask<T>& mask,
                              const FlashDropout& dropout, T scale, HeadsView<T> dq, HeadsView<T> dk,
                              HeadsView<T> dv) {
  constexpr std::int64_t BQ = kFlashQueryBlock, BK = kFlashKeyBlock;
  const T keep_scale = static_cast<T>(1.0 / (1.0 - dropout.p));
  const double head_flops = 4.0 * double(s.queries) * double(s.keys) * double(s.d_k + s.d_v);
  parallel_for(s.batch * s.heads, tasks_per_chunk(head_flops), [&](std::int64_t t0, std::int64_t t1) {
    // Scratch for one path only: the block walk's three blocks and D, or the one block's whole head.
    const bool walk = s.keys > BK;
    std::vector<T> block(static_cast<std::size_t>(walk ? BQ * BK : 0)), dropped(block.size()),
        dscores(block.size());
    std::vector<T> D(static_cast<std::size_t>(walk ? s.queries : 0));
    std::vector<T> whole(static_cast<std::size_t>(walk ? 0 : 2 * s.queries * s.keys));
    for (std::int64_t bh = t0; bh < t1; ++bh) {
      const std::int64_t b = bh / s.heads, h = bh % s.heads;
      if (s.keys <= BK) {
        one_block_backward(s, b, h, q, k, v, dout, weights + bh * s.queries * s.keys, dropout, keep_scale,
                           scale, dq, dk, dv, whole);
        continue;
      }
      const HeadMask<T> head_mask(mask, b, h);
      const T* lse_head = lse + bh * s.queries;
      // D_i = ⟨dO_i, O_i⟩ = ⟨dP_i, P_i⟩ of the dropped-out weights: softmax's backward needs it per row.
      for (std::int64_t i = 0; i < s.queries; ++i) {
        const T *o = out.row(b, h, i), *g = dout.row(b, h, i);
        T dot = 0;
        for (std::int64_t c = 0; c < s.d_v; ++c) dot += g[c] * o[c];
        D[static_cast<std::size_t>(i)] = dot;
        std::fill_n(dq.row(b, h, i), s.d_k, T(0));
      }
      for (std::int64_t j0 = 0; j0 < s.keys; j0 += BK) {
        const std::int64_t nj = std::min(BK, s.keys - j0);
        for (std::int64_t r = 0; r < nj; ++r) {
          std::fill_n(dk.row(b, h, j0 + r), s.d_k, T(0));
          std::fill_n(dv.row(b, h, j0 + r), s.d_v, T(0));
        }
        for (std::int64_t i0 = 0; i0 < s.queries; i0 += BQ) {
          const std::int64_t ni = std::min(BQ, s.queries - i0);
          const Hidden hidden = head_mask.in_block(i0, ni, j0, nj);
          if (hidden == Hidden::all) continue;  // P = 0 there: no gradient flows
          T *P = block.data(), *Pd = dropped.data(), *dS = dscores.data();
          block_scores(P, BK, q.row(b, h, i0), q.row_stride, k.row(b, h, j0), k.row_stride, ni, nj, s.d_k,
                       scale, head_mask, hidden, i0, j0);
          for (std::int64_t r = 0; r < ni; ++r) {  // P = e^(S - lse): the forward's weights (0 where hidden)
            T* row = P + r * BK;
            const T row_lse = lse_head[i0 + r];
            for (std::int64_t c = 0; c < nj; ++c) row[c] = exp_of(row[c] - row_lse);
            if (dropout.p > 0)
              dropout_apply(Pd + r * BK, row, 0, nj, dropout.key,
                            dropout_row_start(s, dropout, b, h, i0 + r) + j0, static_cast<float>(dropout.p),
                            keep_scale);
          }
          const T* used = dropout.p > 0 ? Pd : P;  // the weights that multiplied V
          // dV_j += P̃ᵀ·dO_i (P̃ read transposed in place)
          product(nj, s.d_v, ni, T(1), {used, 1, BK}, {dout.row(b, h, i0), dout.row_stride, 1}, T(1),
                  {dv.row(b, h, j0), dv.row_stride, 1});
          // dP̃ = dO_i·V_jᵀ, then through dropout: dP = dP̃ ⊙ keep/(1-p)
          product(ni, nj, s.d_v, T(1), {dout.row(b, h, i0), dout.row_stride, 1},
                  {v.row(b, h, j0), 1, v.row_stride}, T(0), {dS, BK, 1});
          for (std::int64_t r = 0; r < ni; ++r) {
            T* row = dS + r * BK;
            if (dropout.p > 0)
              dropout_apply(row, row, 0, nj, dropout.key, dropout_row_start(s, dropout, b, h, i0 + r) + j0,
                            static_cast<float>(dropout.p), keep_scale);
            const T* p = P + r * BK;
            const T d = D[static_cast<std::size_t>(i0 + r)];
            for (std::int64_t c = 0; c < nj; ++c) row[c] = p[c] * (row[c] - d);  // dS = P ⊙ (dP - D)
          }
          // dQ_i += dS·K_j·scale and dK_j += dSᵀ·Q_i·scale
          product(ni, s.d_k, nj, scale, {dS, BK, 1}, {k.row(b, h, j0), k.row_stride, 1}, T(1),
                  {dq.row(b, h, i0), dq.row_stride, 1});
          product(nj, s.d_k, ni, scale, {dS, 1, BK}, {q.row(b, h, i0), q.row_stride, 1}, T(1),
                  {dk.row(b, h, j0), dk.row_stride, 1});
        }
      }
    }
  });
}
// [doc:end]

template void flash_attention_forward<float>(const FlashSizes&, HeadsView<const float>,
                                             HeadsView<const float>, HeadsView<const float>,
                                             const FlashMask<float>&, const FlashDropout&, float,
                                             HeadsView<float>, float*, float*);
template void flash_attention_forward<double>(const FlashSizes&, HeadsView<const double>,
                                              HeadsView<const double>, HeadsView<const double>,
                                              const FlashMask<double>&, const FlashDropout&, double,
                                              HeadsView<double>, double*, double*);
template void flash_attention_backward<float>(const FlashSizes&, HeadsView<const float>,
                                              HeadsView<const float>, HeadsView<const float>,
                                              HeadsView<const float>, HeadsView<const float>, const float*,
                                              const float*, const FlashMask<float>&, const FlashDropout&,
                                              float, HeadsView<float>, HeadsView<float>, HeadsView<float>);
template void flash_attention_backward<double>(const FlashSizes&, HeadsView<const double>,
                                               HeadsView<const double>, HeadsView<const double>,
                                               HeadsView<const double>, HeadsView<const double>,
                                               const double*, const double*, const FlashMask<double>&,
                                               const FlashDropout&, double, HeadsView<double>,
                                               HeadsView<double>, HeadsView<double>);

}  // namespace sf::kernels
