// attention.cpp: scaled dot-product attention in its five steps (plain, and with masked_softmax fused),
// and the masks. No Node of its own: the gradient comes from matmul's and softmax's.
#include "core/ops/attention.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/ops/compare.hpp"
#include "core/ops/elementwise.hpp"
#include "core/ops/index.hpp"
#include "core/ops/matmul.hpp"
#include "core/ops/softmax.hpp"

namespace sf {

namespace {
/// What both versions of the attention weights ask of the queries and keys.
void check_queries_and_keys(const Tensor& q, const Tensor& k) {
  if (q.dim() < 2 || k.dim() < 2 || q.size(-1) != k.size(-1))
    fail<ShapeError>("attention: queries ", q.shape(), " and keys ", k.shape(),
                     " need at least 2 axes and the same last size d_k");
}

/// What both versions ask of a mask: bool or float, and broadcastable to the scores [.., Lq, Lk].
void check_mask(const Tensor& mask, const Shape& scores) {
  if (mask.dtype() != kBool && !is_floating(mask.dtype()))
    fail<TypeError>("attention: the mask must be bool (true = hidden) or float (added to the scores), got ",
                    dtype_name(mask.dtype()));
  if (!broadcasts_to(mask.shape(), scores))
    fail<ShapeError>("attention: mask of shape ", mask.shape(), " does not broadcast to the scores' shape ",
                     scores, " ([.., queries, keys])");
}
}  // namespace

// [doc:attention-weights]
Tensor attention_weights(const Tensor& q, const Tensor& k, const Tensor& mask, bool scaled) {
  check_queries_and_keys(q, k);
  const std::int64_t d_k = q.size(-1);
  Tensor scores = matmul(q, k.transpose(-2, -1));  // [.., Lq, Lk]: every query against every key
  if (scaled) scores = scores / std::sqrt(static_cast<double>(d_k));  // keep the variance near 1
  if (mask.defined()) {
    check_mask(mask, scores.shape());
    scores = mask.dtype() == kBool
                 ? masked_fill(scores, mask, -std::numeric_limits<double>::infinity())  // e^-inf = 0
                 : scores + mask.to(scores.dtype());  // float: added (0 / -inf, or a bias)
  }
  return softmax(scores, -1);  // each row sums to 1 (or is all 0 when fully masked)
}
// [doc:end]

Tensor attention_weights_fused(const Tensor& q, const Tensor& k, const Tensor& mask) {
  check_queries_and_keys(q, k);
  const Tensor scores = matmul(q, k.transpose(-2, -1));  // [.., Lq, Lk]
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  if (mask.defined()) check_mask(mask, scores.shape());
  if (mask.defined() && mask.dtype() != kBool)  // float: the plain path, differentiable in the mask too
    return softmax(scores * scale + mask.to(scores.dtype()), -1);
  return masked_softmax(scores, scale, mask);  // bool or none: scale, mask and softmax in one pass
}

// [doc:combine-masks]
namespace {
/// A mask argument's dtype: bool or float.
void check_mask_dtype(const Tensor& mask, const char* op, const char* name) {
  if (mask.dtype() != kBool && !is_floating(mask.dtype()))
    fail<TypeError>(op, ": ", name, " of dtype ", dtype_name(mask.dtype()),
                    " is neither bool (true = hidden) nor float (added to the scores)");
}

/// A bool mask as the float one that means the same: 0 where visible, -inf where hidden.
Tensor additive(const Tensor& mask, DType dtype) {
  if (mask.dtype() != kBool) return mask.to(dtype);
  return masked_fill(zeros(mask.shape(), {.dtype = dtype}), mask, -std::numeric_limits<double>::infinity());
}
}  // namespace

Tensor combine_masks(const Tensor& attn_mask, const Tensor& key_padding_mask, AttentionSizes s, DType dtype,
                     const MaskNames& names) {
  Tensor a, p;  // attn_mask as [Lq, Lk] or [B, heads, Lq, Lk]; key_padding_mask as [B, 1, 1, Lk]
  if (attn_mask.defined()) {
    check_mask_dtype(attn_mask, names.op, names.attn_mask);
    const Shape one{s.queries, s.keys}, per_head{s.batch * s.heads, s.queries, s.keys};
    if (attn_mask.shape() == one)
      a = attn_mask;
    else if (attn_mask.shape() == per_head)
      a = attn_mask.reshape({s.batch, s.heads, s.queries, s.keys});  // row b·heads + i: sentence b, head i
    else
      fail<ShapeError>(names.op, ": ", names.attn_mask, " of shape ", attn_mask.shape(), " fits neither ",
                       one, " ([Lq, Lk]) nor ", per_head, " ([B·heads, Lq, Lk])");
  }
  if (key_padding_mask.defined()) {
    check_mask_dtype(key_padding_mask, names.op, names.key_padding_mask);
    if (!(key_padding_mask.shape() == Shape{s.batch, s.keys}))
      fail<ShapeError>(names.op, ": ", names.key_padding_mask, " of shape ", key_padding_mask.shape(),
                       " is not ", Shape{s.batch, s.keys}, " ([B, Lk])");
    p = key_padding_mask.reshape({s.batch, 1, 1, s.keys});  // the same keys hidden from every head and query
  }
  if (!a.defined() || !p.defined()) return a.defined() ? a : p;  // one mask (or none): as it is
  if (a.dtype() == kBool && p.dtype() == kBool) return logical_or(a, p);
  return additive(a, dtype) + additive(p, dtype);
}
// [doc:end]

// [doc:attention]
Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask) {
  if (v.dim() < 2 || k.size(-2) != v.size(-2))
    fail<ShapeError>("attention: keys ", k.shape(), " and values ", v.shape(),
                     " must have the same number of rows");
  return matmul(attention_weights(q, k, mask), v);  // [.., Lq, Lk] · [.., Lk, d_v] → [.., Lq, d_v]
}
// [doc:end]

// [doc:masks]
Tensor causal_mask(std::int64_t length) {
  if (length < 0) fail<ValueError>("causal_mask: length must be non-negative, got ", length);
  const Tensor positions = arange(static_cast<double>(length), {.dtype = kInt64});
  return lt(positions.unsqueeze(1), positions.unsqueeze(0));  // query row < key column: the future
}

Tensor padding_mask(const Tensor& ids, std::int64_t pad_id) {
  if (ids.dim() != 2) fail<ShapeError>("padding_mask: expected ids [B, L], got shape ", ids.shape());
  return eq(ids, static_cast<double>(pad_id)).view({ids.size(0), 1, 1, ids.size(1)});
}
// [doc:end]

}  // namespace sf
