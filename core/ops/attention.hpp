// attention.hpp: scaled dot-product attention (paper §3.2.1), and the masks that restrict it.
// (Multi-head attention, the module built on it, is nn/multi_head_attention.hpp.)
//
//   Attention(Q, K, V) = softmax(Q·Kᵀ / √d_k) · V
//   Q [.., Lq, d_k]   K [.., Lk, d_k]   V [.., Lk, d_v]   →   [.., Lq, d_v]
//
// Row i of the weights softmax(Q·Kᵀ/√d_k) says how much query i looks at each key; it sums to 1,
// and the output row i is that mixture of the value rows.
//
// Our mask convention: one tensor that broadcasts to the scores [.., Lq, Lk]. Bool: true where a
// query may NOT look. A padding mask hides keys that are padding ([B, 1, 1, Lk]), a causal mask
// hides the future ([Lq, Lk], true above the diagonal), and logical_or combines them. Float (what
// PyTorch also accepts, e.g. 0 / -inf from generate_square_subsequent_mask): added to the scaled
// scores, so -inf hides and a finite value biases. PyTorch's own pair of masks (attn_mask and
// key_padding_mask, bool or float) becomes one such mask with combine_masks.
// A query that may look at nothing gets all-zero weights (and a zero output), never NaN.
#pragma once

#include "core/tensor.hpp"

namespace sf {

/// The attention weights softmax(q·kᵀ/√d_k) [.., Lq, Lk], 0 where a bool `mask` is true; a float
/// mask is added to the scaled scores instead (softmax(q·kᵀ/√d_k + mask)). With
/// scaled = false the scores are not divided by √d_k (as lecture 003 does; chapter 5 shows why not).
Tensor attention_weights(const Tensor& q, const Tensor& k, const Tensor& mask = {}, bool scaled = true);

/// The same weights with the scale, mask and softmax fused into one op (masked_softmax): what
/// MultiHeadAttention uses. Equal to attention_weights up to rounding (tested). A float mask takes
/// the plain path: softmax(q·kᵀ/√d_k + mask), whose addition is differentiable in the mask too.
Tensor attention_weights_fused(const Tensor& q, const Tensor& k, const Tensor& mask = {});

/// softmax(q·kᵀ/√d_k, masked) · v.
Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                    const Tensor& mask = {});

/// The sizes of the scores [B, heads, Lq, Lk] that PyTorch-style masks are checked against.
struct AttentionSizes {
  std::int64_t batch, heads, queries, keys;
};

/// The names that combine_masks' errors use: the op and its two mask arguments.
struct MaskNames {
  const char* op = "MultiheadAttention";
  const char* attn_mask = "attn_mask";
  const char* key_padding_mask = "key_padding_mask";
};

/// PyTorch's two masks as one mask of our convention, for the scores [B, heads, Lq, Lk]:
///   attn_mask         [Lq, Lk] or [B·heads, Lq, Lk] (row b·heads + i: sentence b, head i)
///   key_padding_mask  [B, Lk]
/// each bool (true = hidden) or float (added to the scores), either may be undefined. Both bool (or
/// absent): their logical_or, bool (MultiHeadAttention's fused path). Any float: the sum, in `dtype`,
/// with a bool one first turned into 0 / -inf (PyTorch's meaning for every mix). The result is
/// [Lq, Lk], [B, 1, 1, Lk], [B, 1, Lq, Lk] or [B, heads, Lq, Lk]; undefined if both are.
/// Bad shapes and dtypes are errors naming the argument, its shape and the shapes allowed.
Tensor combine_masks(const Tensor& attn_mask, const Tensor& key_padding_mask, AttentionSizes sizes,
                     DType dtype, const MaskNames& names = {});

/// [L, L] bool, true above the diagonal: query t may not see keys after t.
Tensor causal_mask(std::int64_t length);

/// [B, 1, 1, L] bool, true where ids == pad_id: hides padding keys from every head and query.
Tensor padding_mask(const Tensor& ids, std::int64_t pad_id);

}  // namespace sf
