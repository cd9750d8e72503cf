// measure.hpp: two numbers the chapter examples print about tensors: how far apart two tensors are
// (to show that two ways of computing something agree), and how large one is.
#pragma once

#include "core/tensor.hpp"

namespace sf::examples {

/// The largest |a - b| over all elements (a and b have the same number of elements).
double max_difference(const Tensor& a, const Tensor& b);

/// The Euclidean norm of all the elements, sqrt(Σ t²).
double norm_of(const Tensor& t);

}  // namespace sf::examples
