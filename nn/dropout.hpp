// dropout.hpp: the Dropout module, inverted dropout as a layer that is on in training and off in
// evaluation (the op, and the counter-based mask, are in core/ops/dropout.hpp).
#pragma once

#include "core/ops/dropout.hpp"
#include "core/random.hpp"
#include "core/tensor.hpp"
#include "nn/module.hpp"

namespace sf::nn {

// The functions are ops, with their backward, in core/ops/dropout.cpp; nn:: names them too.
using sf::dropout;
using sf::relu_dropout;

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
  Tensor forward(const Tensor& x) const { return recorded(dropout(x, config_.p, is_training(), *gen_)); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  /// forward(relu(x)), fused (relu_dropout).
  Tensor after_relu(const Tensor& x) const { return relu_dropout(x, config_.p, is_training(), *gen_); }
  double p() const { return config_.p; }
  /// The generator the masks come from, for an op that applies this dropout inside it to a tensor
  /// that is also another module's output (the fused linear ops, whose Linear reports the shape).
  Generator& generator() const { return *gen_; }
  /// For an op that applies this dropout inside it (flash_attention, to the attention weights): the
  /// generator its masks come from, after reporting the shape of what it drops out as forward would.
  Generator& applied_inside(const Shape& shape) const {
    record_shape(shape);
    return *gen_;
  }

 private:
  DropoutConfig config_;
  Generator* gen_;
};

}  // namespace sf::nn
