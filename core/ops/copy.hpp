// copy.hpp: the strided copy shared by clone(), contiguous(), to() and copy_() (core/ops/copy.cpp).
#pragma once

#include "core/tensor.hpp"

namespace sf::detail {

/// dst[i] = src[i] for every index of dst, with src broadcast to dst's shape and converted to its
/// dtype. Not recorded by autograd (callers decide).
void copy_into(const Tensor& dst, const Tensor& src);

}  // namespace sf::detail
