// linear.cpp: the linear function and the Linear module.
#include "nn/linear.hpp"

#include "core/error.hpp"
#include "core/ops/elementwise.hpp"
#include "core/ops/matmul.hpp"
#include "nn/init.hpp"

namespace sf::nn {

// [doc:linear]
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  if (weight.dim() != 2) fail<ShapeError>("linear: the weight must be 2-D [out, in], got shape ", weight.shape());
  if (x.dim() == 0 || x.size(-1) != weight.size(1))
    fail<ShapeError>("linear: input of shape ", x.shape(), " has ", x.dim() ? x.size(-1) : 0,
                     " features but the weight ", weight.shape(), " expects ", weight.size(1));
  if (bias.defined() && !(bias.shape() == Shape{weight.size(0)}))
    fail<ShapeError>("linear: bias of shape ", bias.shape(), " does not match the weight ", weight.shape(),
                     " (expected [", weight.size(0), "])");
  const Tensor y = matmul(x, weight.transpose(0, 1));  // [..., in] · [in, out]: Wᵀ is a view, no copy
  return bias.defined() ? y + bias : y;                // the bias broadcasts over every row
}
// [doc:end]

// [doc:linear-module]
Linear::Linear(LinearConfig config, Generator& gen) : config_(config) {
  if (config.in_features <= 0 || config.out_features <= 0)
    fail<ValueError>("Linear: in_features and out_features must be positive, got ", config.in_features, " and ",
                     config.out_features);
  weight = init::linear_uniform({config.out_features, config.in_features}, config.in_features, gen, config.dtype);
  register_parameter("weight", weight);
  if (config.bias) {
    bias = init::linear_uniform({config.out_features}, config.in_features, gen, config.dtype);
    register_parameter("bias", bias);
  }
}
// [doc:end]

}  // namespace sf::nn
