// flash_attention.hpp: attention in O(L) memory, the path training uses (FlashAttention's idea on the CPU).
//
//   flash_attention(q, k, v, mask, dropout) = dropout(softmax(q·kᵀ/√d_k + mask))·v
//
// The same value as the plain attention (core/ops/attention.hpp, then dropout, then matmul), but the
// Lq×Lk weights are never stored: the forward runs a softmax over one block of keys at a time and
// keeps one number per query row (the log of its softmax denominator); the backward recomputes the
// weights block by block from it. Memory grows as L, not L². The kernels, and the derivation, are in
// core/kernels/flash_attention.hpp. MultiHeadAttention (nn/multi_head_attention.cpp) calls this op
// unless the caller asks for the weights, or a float mask needs a gradient.
#pragma once

#include "core/random.hpp"
#include "core/tensor.hpp"

namespace sf {

/// Dropout of the attention weights inside flash_attention: each weight is zeroed with probability
/// p (the rest scaled by 1/(1-p)) when `training` and p > 0. The mask is drawn from `generator`
/// exactly as dropout(weights, p, training, *generator) would draw it for the contiguous weights
/// [B, heads, Lq, Lk]: the same elements are dropped, and the generator advances by as many draws.
struct AttentionDropout {
  double p = 0;
  bool training = false;
  Generator* generator = nullptr;  // needed when training with p > 0
};

/// q [B, heads, Lq, d_k], k [B, heads, Lk, d_k], v [B, heads, Lk, d_v], one dtype (float32 or
/// float64), any strides. mask (may be undefined) broadcasts to [B, heads, Lq, Lk]: bool (true =
/// hidden) or float (added to the scaled scores; it gets no gradient here, so it must not require
/// one). Returns [B, heads, Lq, d_v]: a view of a contiguous [B, Lq, heads, d_v], so merging the
/// heads afterwards copies nothing. A query row that may see no key gets zeros (value and gradient).
Tensor flash_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask = {},
                       const AttentionDropout& dropout = {});

}  // namespace sf
