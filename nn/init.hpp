// init.hpp: how each module's weights start, as PyTorch starts them, from our seeded generator.
//
// Random starting weights break the symmetry between units (two heads with equal weights would
// get equal gradients and stay equal forever). Their scale keeps activations of a reasonable size
// through a deep stack. These are the rules torch.nn uses, so a student can compare the two:
//   Linear:          weight and bias ~ U(-1/√fan_in, 1/√fan_in)
//                    (PyTorch writes it as kaiming_uniform_ with a = √5; the bound is the same)
//   Xavier/Glorot:   U(-√(6/(fan_in + fan_out)), +√(6/(fan_in + fan_out)))
//                    (MultiheadAttention's packed in_proj_weight, and nn.Transformer's matrices)
//   Embedding:       N(0, 1), with the padding row set to zero
#pragma once

#include <cmath>

#include "core/tensor.hpp"

namespace sf::nn::init {

// [doc:init-linear]
/// U(-1/√fan_in, 1/√fan_in): torch.nn.Linear's weights and biases.
inline Tensor linear_uniform(const Shape& shape, std::int64_t fan_in, Generator& gen, DType dtype) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  return uniform(shape, -bound, bound, gen, {.dtype = dtype});
}
// [doc:end]

/// Xavier/Glorot uniform for a [fan_out, fan_in] matrix.
inline Tensor xavier_uniform(const Shape& shape, Generator& gen, DType dtype) {
  const auto fan_out = static_cast<double>(shape[0]), fan_in = static_cast<double>(shape[1]);
  const double bound = std::sqrt(6.0 / (fan_in + fan_out));
  return uniform(shape, -bound, bound, gen, {.dtype = dtype});
}

}  // namespace sf::nn::init
