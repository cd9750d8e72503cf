// attention.hpp: scaled dot-product attention (paper §3.2.1), and the masks that restrict it.
// (Multi-head attention, the module built on it, is nn/multi_head_attention.hpp.)
//
//   Attention(Q, K, V) = softmax(Q·Kᵀ / √d_k) · V
//   Q [.., Lq, d_k]   K [.., Lk, d_k]   V [.., Lk, d_v]   →   [.., Lq, d_v]
//
// Row i of the weights softmax(Q·Kᵀ/√d_k) says how much query i looks at each key; it sums to 1,
// and the output row i is that mixture of the value rows.
//
// One mask convention for everything: a bool tensor that broadcasts to the scores [.., Lq, Lk],
// true where a query may NOT look. A padding mask hides keys that are padding ([B, 1, 1, Lk]), a
// causal mask hides the future ([Lq, Lk], true above the diagonal), and logical_or combines them.
// A query that may look at nothing gets all-zero weights (and a zero output), never NaN.
#pragma once

#include "core/tensor.hpp"

namespace sf {

/// The attention weights softmax(q·kᵀ/√d_k) [.., Lq, Lk], 0 where `mask` is true. With
/// scaled = false the scores are not divided by √d_k (as lecture 003 does; chapter 5 shows why not).
Tensor attention_weights(const Tensor& q, const Tensor& k, const Tensor& mask = {}, bool scaled = true);

/// The same weights with the scale, mask and softmax fused into one op (masked_softmax): what
/// MultiHeadAttention uses. Equal to attention_weights up to rounding (tested).
Tensor attention_weights_fused(const Tensor& q, const Tensor& k, const Tensor& mask = {});

/// softmax(q·kᵀ/√d_k, masked) · v.
Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                    const Tensor& mask = {});

/// [L, L] bool, true above the diagonal: query t may not see keys after t.
Tensor causal_mask(std::int64_t length);

/// [B, 1, 1, L] bool, true where ids == pad_id: hides padding keys from every head and query.
Tensor padding_mask(const Tensor& ids, std::int64_t pad_id);

}  // namespace sf
