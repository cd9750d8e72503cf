// linear.cpp: the Linear module (the linear op it calls is in core/ops/linear.cpp).
#include "nn/linear.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace sf::nn {

// [doc:linear-module]
Linear::Linear(LinearConfig config, Generator& gen) : config_(config) {
  if (config.in_features <= 0 || config.out_features <= 0)
    fail<ValueError>("Linear: in_features and out_features must be positive, got ", config.in_features,
                     " and ", config.out_features);
  weight =
      init::linear_uniform({config.out_features, config.in_features}, config.in_features, gen, config.dtype);
  register_parameter("weight", weight);
  if (config.bias) {
    bias = init::linear_uniform({config.out_features}, config.in_features, gen, config.dtype);
    register_parameter("bias", bias);
  }
}
// [doc:end]

}  // namespace sf::nn
