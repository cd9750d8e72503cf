// softmax.hpp: softmax and log-softmax along an axis, numerically stable, with fused backward.
#pragma once

#include "core/tensor.hpp"

namespace sf {

/// softmax(x)_i = e^(x_i) / Σ_j e^(x_j) along `axis`: every slice along it becomes positive weights
/// that sum to 1. Entries of -inf get weight 0; a slice that is -inf everywhere gives all zeros
/// (so an attention row with every key masked yields zeros, never NaN).
///   softmax(tensor({14, 12}), 0) → [0.8808, 0.1192]
Tensor softmax(const Tensor& x, std::int64_t axis);

/// log(softmax(x)) computed without forming softmax(x) (no log(0) for tiny probabilities).
Tensor log_softmax(const Tensor& x, std::int64_t axis);

/// softmax(x·scale) along the last axis, with the entries where `mask` (bool, broadcast to x's
/// shape; may be undefined) is true left out: softmax(masked_fill(x·scale, mask, -inf), -1) as one
/// op. Attention's scale, mask and softmax in a single pass; its backward needs no mask (masked
/// weights are exactly 0). A row masked everywhere gives zeros.
Tensor masked_softmax(const Tensor& x, double scale, const Tensor& mask = {});

}  // namespace sf
