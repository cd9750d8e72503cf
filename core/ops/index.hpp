// index.hpp: choosing elements by mask or by index: masked_fill, where, index_select, embedding,
// gather. Indices are int64 tensors; masks are bool tensors (see compare.hpp).
#pragma once

#include "core/tensor.hpp"

namespace sf {

/// x with `value` wherever mask is true; mask (bool) broadcasts to x's shape. Attention uses it to
/// put -inf on the scores of positions a query may not see. The gradient is zero where masked.
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);

/// cond ? a : b elementwise, all three broadcast together (cond bool, a and b of one float dtype).
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

/// The entries of `index` (1-D, int64) along `axis`: index_select(x, 0, tensor({2, 0}, kInt64))
/// takes rows 2 and 0. Gradients of repeated rows are summed.
Tensor index_select(const Tensor& x, std::int64_t axis, const Tensor& index);

/// Embedding lookup: row ids[...] of weight [V, D], giving shape ids.shape + [D]. The row
/// `padding_idx` (if ≥ 0) receives no gradient, so a padding token's vector never changes.
Tensor embedding(const Tensor& weight, const Tensor& ids, std::int64_t padding_idx = -1);

/// out[..., j, ...] = x[..., index[..., j, ...], ...] along `axis` (torch.gather): index has x's
/// number of dimensions and sizes no larger than x's on the other axes. The loss uses it to pick
/// each token's log-probability of the right word: gather(logp, -1, target.unsqueeze(-1)).
Tensor gather(const Tensor& x, std::int64_t axis, const Tensor& index);

}  // namespace sf
