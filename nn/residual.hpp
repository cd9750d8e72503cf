// residual.hpp: the "Add & Norm" around every sub-layer (paper §3.1), post-LN or pre-LN.
//
//   post-LN (the paper):  y = LayerNorm(x + Dropout(Sublayer(x)))
//   pre-LN  (a switch):   y = x + Dropout(Sublayer(LayerNorm(x)))
//
// The residual path x is always there and always added: it is not a skip that switches on when the
// sub-layer "performs badly", and it is not dropout. Its gradient is the identity, so every layer
// gets a direct path for the loss's gradient. Pre-LN keeps that path free of normalisation, which
// makes deep stacks train without warm-up; the model then needs one final LayerNorm at the top.
#pragma once

#include "nn/dropout.hpp"
#include "nn/layer_norm.hpp"

namespace sf::nn {

/// The Add of "Add & Norm" handed to a sub-layer whose last linear layer can do it inside its
/// matrix product (Linear::forward_dropout_add): the sub-layer then returns
/// residual + dropout(its output) as one op, with the bits of the ops in a row.
struct ResidualAdd {
  const Dropout& dropout;
  const Tensor& residual;
};

/// Applies `sublayer` (a callable Tensor → Tensor) to x with the residual connection, dropout and
/// LayerNorm, in the post-LN (norm_first = false) or pre-LN (norm_first = true) arrangement.
template <class Sublayer>
Tensor add_and_norm(const Tensor& x, Sublayer&& sublayer, const LayerNorm& norm, const Dropout& dropout,
                    bool norm_first) {
  // [doc:add-and-norm]
  if (norm_first) return x + dropout(sublayer(norm(x)));  // pre-LN
  return norm(x + dropout(sublayer(x)));                  // post-LN, as in the paper
  // [doc:end]
}

/// add_and_norm for a sub-layer that takes the Add into its last linear layer: `sublayer(h, add)`
/// returns add.residual + add.dropout(Sublayer(h)). The same function and bits as add_and_norm;
/// the output of the sub-layer and of the dropout are never written to memory on their own.
template <class Sublayer>
Tensor add_and_norm_fused(const Tensor& x, Sublayer&& sublayer, const LayerNorm& norm, const Dropout& dropout,
                          bool norm_first) {
  const ResidualAdd add{dropout, x};
  if (norm_first) return sublayer(norm(x), add);  // pre-LN: x + dropout(sublayer(norm(x)))
  return norm(sublayer(x, add));                  // post-LN: norm(x + dropout(sublayer(x)))
}

}  // namespace sf::nn
