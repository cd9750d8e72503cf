// linear.hpp: the fully connected layer, y = x·Wᵀ + b, as a module that owns W and b.
//
// "A bunch of fully connected neurons without the activation function" (lecture 004): every output
// feature is a weighted sum of every input feature plus a bias. W is stored as PyTorch stores it,
// out_features × in_features, so the product is x·Wᵀ and weights load directly from torch.nn.Linear.
#pragma once

#include "core/ops/linear.hpp"
#include "core/random.hpp"
#include "core/tensor.hpp"
#include "nn/dropout.hpp"
#include "nn/module.hpp"

namespace sf::nn {

// The functions are ops, with their backward, in core/ops/linear.cpp; nn::linear names them too.
using sf::linear;
using sf::linear_dropout_add;
using sf::linear_fused;
using sf::linear_relu_dropout;

struct LinearConfig {
  std::int64_t in_features = 0;
  std::int64_t out_features = 0;
  bool bias = true;
  DType dtype = kFloat32;
};

/// Linear lin({.in_features = 512, .out_features = 2048}); Tensor y = lin(x);
class Linear : public Module {
 public:
  explicit Linear(LinearConfig config, Generator& gen = default_generator());
  Tensor forward(const Tensor& x) const { return recorded(linear_fused(x, weight, bias)); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  /// dropout.after_relu(forward(x)) as one op (linear_relu_dropout): the ReLU and the dropout run
  /// inside the matrix product, on each tile of the output as it is finished.
  Tensor forward_relu_dropout(const Tensor& x, const Dropout& dropout) const {
    return recorded(
        linear_relu_dropout(x, weight, bias, dropout.p(), dropout.is_training(), dropout.generator()));
  }
  /// residual + dropout(forward(x)) as one op (linear_dropout_add): the end of a sub-layer with its
  /// residual connection, the dropout and the add inside the matrix product. (The dropout reports
  /// its shape, as its forward would.)
  Tensor forward_dropout_add(const Tensor& x, const Dropout& dropout, const Tensor& residual) const {
    Generator& gen = dropout.applied_inside(residual.shape());
    return recorded(linear_dropout_add(x, weight, bias, residual, dropout.p(), dropout.is_training(), gen));
  }
  const LinearConfig& config() const { return config_; }

  Tensor weight;  // [out_features, in_features]
  Tensor bias;    // [out_features], undefined without bias

 private:
  LinearConfig config_;
};

}  // namespace sf::nn
