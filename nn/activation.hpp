// activation.hpp: the two activations the feed-forward network may use, as modules and as a
// choice in configs. The paper uses ReLU (§3.3); GELU is what BERT and GPT switched to.
#pragma once

#include "core/ops/elementwise.hpp"
#include "nn/module.hpp"

namespace sf::nn {

enum class Activation { ReLU, GELU };

/// relu(x) or gelu(x).
inline Tensor activate(const Tensor& x, Activation a) { return a == Activation::ReLU ? relu(x) : gelu(x); }

/// max(x, 0).
class ReLU : public Module {
 public:
  Tensor forward(const Tensor& x) const { return relu(x); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
};

/// x·Φ(x), Φ the standard normal CDF.
class GELU : public Module {
 public:
  Tensor forward(const Tensor& x) const { return gelu(x); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
};

}  // namespace sf::nn
