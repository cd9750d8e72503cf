// dropout.hpp: inverted dropout, the regulariser the paper applies after every sub-layer (P = 0.1),
// and its fusion with ReLU (the Dropout module is nn/dropout.hpp).
//
// In training, each element is zeroed with probability p and the survivors are scaled by 1/(1-p),
// so the expected value of every element is unchanged and evaluation (where dropout does nothing)
// needs no rescaling. The mask comes from our counter-based generator: element i uses draw
// counter + i, so the same seed gives the same mask on every machine and thread count.
#pragma once

#include "core/random.hpp"
#include "core/tensor.hpp"

namespace sf {

/// x with each element zeroed with probability p and the rest scaled by 1/(1-p); x itself when not
/// training or when p is 0.
Tensor dropout(const Tensor& x, double p, bool training, Generator& gen);

/// dropout(relu(x), p) fused: one pass instead of two, the same mask and the same bits as the two
/// ops in a row, and it saves only its output (the backward reads the slope from it), so the
/// feed-forward network keeps one [.., d_ff] activation per layer for backward instead of two.
/// relu(x) when not training or when p is 0.
Tensor relu_dropout(const Tensor& x, double p, bool training, Generator& gen);

}  // namespace sf
