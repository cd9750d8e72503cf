// dropout.hpp: inverted dropout, the regulariser the paper applies after every sub-layer (P = 0.1).
//
// In training, each element is zeroed with probability p and the survivors are scaled by 1/(1-p),
// so the expected value of every element is unchanged and evaluation (where dropout does nothing)
// needs no rescaling. The mask comes from our counter-based generator: element i uses draw
// counter + i, so the same seed gives the same mask on every machine and thread count.
#pragma once

#include "core/random.hpp"
#include "core/tensor.hpp"
#include "nn/module.hpp"

namespace sf::nn {

/// x with each element zeroed with probability p and the rest scaled by 1/(1-p); x itself when not
/// training or when p is 0.
Tensor dropout(const Tensor& x, double p, bool training, Generator& gen);

/// dropout(relu(x), p) fused: one pass instead of two, the same mask and the same bits as the two
/// ops in a row, and it saves only its output (the backward reads the slope from it), so the
/// feed-forward network keeps one [.., d_ff] activation per layer for backward instead of two.
/// relu(x) when not training or when p is 0.
Tensor relu_dropout(const Tensor& x, double p, bool training, Generator& gen);

struct DropoutConfig {
  double p = 0.5;
};

/// Dropout drop({.p = 0.1}); y = drop(x);  // identity after drop.eval()
/// The module draws its masks from `gen`, which it keeps by reference: the generator must outlive it.
/// (Every module that takes a Generator& and contains dropout, from FeedForward to Transformer, keeps
/// it the same way.)
class Dropout : public Module {
 public:
  explicit Dropout(DropoutConfig config = {}, Generator& gen = default_generator());
  Tensor forward(const Tensor& x) const { return dropout(x, config_.p, is_training(), *gen_); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  /// forward(relu(x)), fused (relu_dropout).
  Tensor after_relu(const Tensor& x) const { return relu_dropout(x, config_.p, is_training(), *gen_); }
  double p() const { return config_.p; }

 private:
  DropoutConfig config_;
  Generator* gen_;
};

}  // namespace sf::nn
