// flash_attention.cpp: the flash_attention op and its backward right under it; the block loops are in
// core/kernels/flash_attention.cpp.
#include "core/ops/flash_attention.hpp"

#include <cmath>
#include <type_traits>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/kernels/flash_attention.hpp"
#include "core/ops/loops.hpp"

namespace sf {

namespace {
/// What the kernels read of q, k, v (and dout in backward). With every key in one block: t itself
/// when its last axis is contiguous, else a contiguous copy. With more keys (the block walk): t
/// contiguous, each head's rows d apart. The heads of a projection's output lie in one [B, L, E]
/// tensor, their rows E or 3E floats apart (a multiple of 1 KiB for the usual sizes), and rows so far
/// apart crowd into a few sets of the caches (chapter 5): the block products, which read every key and
/// value block again for each block of queries, would fetch them from beyond L2 each time. The copy
/// is linear in L; the block walk's work grows as L².
Tensor rows_for_kernels(const Tensor& t, bool one_block) {
  if (!one_block) return t.contiguous();
  return t.size(-1) <= 1 || t.strides().back() == 1 ? t : t.contiguous();
}

template <class T>
kernels::HeadsView<T> heads_view(const Tensor& t) {
  return {t.data<std::remove_const_t<T>>(), t.strides()[0], t.strides()[1], t.strides()[2]};
}

/// The mask as the kernels read it: its data and its strides broadcast to the scores [B, heads, Lq, Lk].
template <class T>
kernels::FlashMask<T> mask_view(const Tensor& mask, const Shape& scores) {
  kernels::FlashMask<T> m;
  if (!mask.defined()) return m;
  const Strides st = detail::broadcast_strides(mask, scores);
  m.batch_stride = st[0];
  m.head_stride = st[1];
  m.query_stride = st[2];
  m.key_stride = st[3];
  if (mask.dtype() == kBool)
    m.hidden = mask.data<bool>();
  else
    m.bias = mask.data<T>();
  return m;
}

void check_inputs(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask) {
  if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4 || q.size(0) != k.size(0) || q.size(1) != k.size(1) ||
      q.size(3) != k.size(3) ||
      !(Shape{k.size(0), k.size(1), k.size(2)} == Shape{v.size(0), v.size(1), v.size(2)}))
    fail<ShapeError>(
        "flash_attention: expected q [B, heads, Lq, d_k], k [B, heads, Lk, d_k] and v [B, heads, Lk, "
        "d_v], got q ",
        q.shape(), ", k ", k.shape(), " and v ", v.shape());
  if (q.dtype() != k.dtype() || q.dtype() != v.dtype())
    fail<TypeError>("flash_attention: q, k and v must have one dtype, got ", dtype_name(q.dtype()), ", ",
                    dtype_name(k.dtype()), " and ", dtype_name(v.dtype()));
  if (!mask.defined()) return;
  if (mask.dtype() != kBool && !is_floating(mask.dtype()))
    fail<TypeError>(
        "flash_attention: the mask must be bool (true = hidden) or float (added to the scores), got ",
        dtype_name(mask.dtype()));
  const Shape scores{q.size(0), q.size(1), q.size(2), k.size(2)};
  if (!broadcasts_to(mask.shape(), scores))
    fail<ShapeError>("flash_attention: mask of shape ", mask.shape(),
                     " does not broadcast to the scores' shape ", scores, " ([B, heads, queries, keys])");
  if (mask.dtype() != kBool && mask.requires_grad() && grad_enabled())
    fail<AutogradError>(
        "flash_attention: the float mask requires grad, which this op does not compute "
        "(use scaled_dot_product_attention, or detach the mask)");
}
}  // namespace

// [doc:flash-attention-op]
struct FlashAttentionOp final : Node {
  // O(L) each, and the mask: lse, or with every key in one block the weights (Lk ≤ 128 a row).
  SavedTensor q{this}, k{this}, v{this}, out{this}, lse{this}, weights{this}, mask{this};
  bool has_mask = false;
  kernels::FlashDropout dropout;  // the stream the forward drew from: backward draws the same mask
  const char* name() const override { return "flash_attention"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor flash_attention(const Tensor& q_in, const Tensor& k_in, const Tensor& v_in, const Tensor& mask_in,
                       const AttentionDropout& drop) {
  check_inputs(q_in, k_in, v_in, mask_in);
  if (!(drop.p >= 0.0 && drop.p < 1.0))
    fail<ValueError>("flash_attention: dropout probability must be in [0, 1), got ", drop.p);
  const bool one_block = k_in.size(2) <= kernels::kFlashKeyBlock;
  const Tensor q = rows_for_kernels(q_in, one_block), k = rows_for_kernels(k_in, one_block),
               v = rows_for_kernels(v_in, one_block);
  const Tensor mask =
      mask_in.defined() && mask_in.dtype() != kBool ? mask_in.to(q.dtype()).detach() : mask_in;
  const std::int64_t B = q.size(0), H = q.size(1), Lq = q.size(2), Lk = k.size(2);
  const kernels::FlashSizes sizes{B, H, Lq, Lk, q.size(3), v.size(3)};
  kernels::FlashDropout dropout;
  if (drop.training && drop.p > 0.0) {
    if (!drop.generator) fail<ValueError>("flash_attention: dropout in training needs a generator");
    // The draws dropout() would take for the weights [B, H, Lq, Lk]; none is stored.
    dropout = {.p = drop.p, .key = drop.generator->key(), .start = drop.generator->state().counter};
    drop.generator->skip(static_cast<std::uint64_t>(B * H * Lq * Lk));
  }
  Tensor out = empty({B, Lq, H, sizes.d_v}, {.dtype = q.dtype()}).transpose(1, 2);  // heads merged for free
  // What backward will need of the weights (none without a backward): with every key in one block the
  // weights themselves, as the plain path keeps them, since recomputing them would cost a product and
  // a softmax for memory that is linear in Lq anyway; else one log-sum per query row.
  Tensor lse, weights;
  if (!one_block)
    lse = empty({B, H, Lq}, {.dtype = q.dtype()});
  else if (any_requires_grad({q_in, k_in, v_in}))
    weights = empty({B, H, Lq, Lk}, {.dtype = q.dtype()});
  dispatch_float(q.dtype(), "flash_attention", [&]<class T>() {
    kernels::flash_attention_forward<T>(sizes, heads_view<const T>(q), heads_view<const T>(k),
                                        heads_view<const T>(v), mask_view<T>(mask, {B, H, Lq, Lk}), dropout,
                                        static_cast<T>(1.0 / std::sqrt(static_cast<double>(sizes.d_k))),
                                        heads_view<T>(out), lse.defined() ? lse.data<T>() : nullptr,
                                        weights.defined() ? weights.data<T>() : nullptr);
  });
  if (auto node = record<FlashAttentionOp>(out, {q_in, k_in, v_in})) {
    node->q.save(q);
    node->k.save(k);
    node->v.save(v);
    node->out.save(out);
    if (lse.defined()) node->lse.save(lse);
    if (weights.defined()) node->weights.save(weights);
    if (mask.defined()) node->mask.save(mask);
    node->has_mask = mask.defined();
    node->dropout = dropout;
  }
  return out;
}

std::vector<Tensor> FlashAttentionOp::backward(const Tensor& dout_in) {
  const Tensor qq = q.get(), kk = k.get(), vv = v.get(), o = out.get();
  const bool one_block = kk.size(2) <= kernels::kFlashKeyBlock;
  const Tensor l = one_block ? Tensor() : lse.get(), w = one_block ? weights.get() : Tensor();
  const Tensor dout = rows_for_kernels(dout_in, one_block), m = has_mask ? mask.get() : Tensor();
  const std::int64_t B = qq.size(0), H = qq.size(1), Lq = qq.size(2), Lk = kk.size(2);
  const kernels::FlashSizes sizes{B, H, Lq, Lk, qq.size(3), vv.size(3)};
  // The gradients in the layout [B, L, heads, d] of the projections they flow back to; for the block
  // walk, which adds into them block after block, contiguous (rows_for_kernels says why).
  auto gradient = [&](std::int64_t L, std::int64_t d) {
    return one_block ? empty({B, L, H, d}, {.dtype = qq.dtype()}).transpose(1, 2)
                     : empty({B, H, L, d}, {.dtype = qq.dtype()});
  };
  Tensor dq = gradient(Lq, sizes.d_k), dk = gradient(Lk, sizes.d_k), dv = gradient(Lk, sizes.d_v);
  dispatch_float(qq.dtype(), "flash_attention", [&]<class T>() {
    kernels::flash_attention_backward<T>(
        sizes, heads_view<const T>(qq), heads_view<const T>(kk), heads_view<const T>(vv),
        heads_view<const T>(o), heads_view<const T>(dout), l.defined() ? l.data<T>() : nullptr,
        w.defined() ? w.data<T>() : nullptr, mask_view<T>(m, {B, H, Lq, Lk}), dropout,
        static_cast<T>(1.0 / std::sqrt(static_cast<double>(sizes.d_k))), heads_view<T>(dq), heads_view<T>(dk),
        heads_view<T>(dv));
  });
  return {dq, dk, dv};
}
// [doc:end]

}  // namespace sf
