// cross_entropy.hpp: the cross-entropy loss of a translation model, with padding ignored and label smoothing.
//
// For one position with logits z [C] and the right word t:
//   loss = -log softmax(z)_t                                   (no smoothing)
//   loss = -(1-ε)·log softmax(z)_t - ε·mean_c log softmax(z)_c (label smoothing ε; the paper uses 0.1)
// Smoothing asks the model to keep a little probability on every word: it hurts perplexity but
// helps accuracy and BLEU (paper §5.4). The loss is averaged over the positions whose target is not
// `ignore_index` (the padding), as torch.nn.functional.cross_entropy does.
#pragma once

#include "core/tensor.hpp"

namespace sf {

/// logits [..., C] (float), targets [...] (int64, values in 0..C-1 or ignore_index). Returns a
/// 0-dimensional tensor: the mean loss over the counted positions (0 when every target is ignored).
/// Fused and stable: computed from log-sum-exp, never log(0); the backward is softmax - target
/// distribution, without forming the log-probabilities' graph.
Tensor cross_entropy(const Tensor& logits, const Tensor& targets, std::int64_t ignore_index = -100,
                     double label_smoothing = 0.0);

}  // namespace sf
