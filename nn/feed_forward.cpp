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
  return linear2(dropout(activate(linear1(x), config_.activation)));  // [.., d_model] → [.., d_ff] → [.., d_model]
}
// [doc:end]

}  // namespace sf::nn
