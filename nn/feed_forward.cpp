// feed_forward.cpp: the position-wise feed-forward network.
#include "nn/feed_forward.hpp"

namespace sf::nn {

FeedForward::FeedForward(FeedForwardConfig config, Generator& gen)
    : linear1({.in_features = config.d_model, .out_features = config.d_ff, .dtype = config.dtype}, gen),
      dropout({.p = config.dropout}, gen),
      linear2({.in_features = config.d_ff, .out_features = config.d_model, .dtype = config.dtype}, gen),
      config_(config) {
  register_module("linear1", linear1);
  register_module("dropout", dropout);
  register_module("linear2", linear2);
}

// [doc:feed-forward]
Tensor FeedForward::forward(const Tensor& x, const ResidualAdd* add) const {
  // [.., d_model] → [.., d_ff], then the activation and dropout. With ReLU the three run as one op
  // (linear_relu_dropout, core/ops/linear.cpp): the ReLU and the dropout act on each tile of the
  // product as it is finished, tested equal to the ops in a row.
  const Tensor h = config_.activation == Activation::ReLU ? linear1.forward_relu_dropout(x, dropout)
                                                          : dropout(activate(linear1(x), config_.activation));
  if (add) return linear2.forward_dropout_add(h, add->dropout, add->residual);  // the Add of Add & Norm too
  return linear2(h);  // [.., d_ff] → [.., d_model]
}
// [doc:end]

}  // namespace sf::nn
