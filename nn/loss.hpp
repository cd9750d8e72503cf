// loss.hpp: the cross-entropy loss of a translation model, under the nn:: name the training code
// uses. It is an op, with its backward, in core/ops/cross_entropy.hpp and .cpp.
#pragma once

#include "core/ops/cross_entropy.hpp"

namespace sf::nn {

using sf::cross_entropy;

}  // namespace sf::nn
