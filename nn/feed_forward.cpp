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
Tensor FeedForward::forward(const Tensor& x) const {
  const Tensor hidden = linear1(x);  // [.., d_model] → [.., d_ff]
  // ReLU and dropout run as one fused op (relu_dropout, core/ops/dropout.cpp), tested equal to the two in a
  // row.
  const Tensor h = config_.activation == Activation::ReLU ? dropout.after_relu(hidden)
                                                          : dropout(activate(hidden, config_.activation));
  return linear2(h);  // [.., d_ff] → [.., d_model]
}
// [doc:end]

}  // namespace sf::nn
