// attention.hpp: scaled dot-product attention and its masks under their nn:: names. They are ops:
// core/ops/attention.hpp and .cpp (the module built on them is nn/multi_head_attention.hpp).
#pragma once

#include "core/ops/attention.hpp"

namespace sf::nn {

using sf::attention_weights;
using sf::attention_weights_fused;
using sf::AttentionSizes;
using sf::causal_mask;
using sf::combine_masks;
using sf::MaskNames;
using sf::padding_mask;
using sf::scaled_dot_product_attention;

}  // namespace sf::nn
