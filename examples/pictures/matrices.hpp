// matrices.hpp: pictures of tensors as coloured blocks, computed by the library's own ops.
//
//   head_split_svg()  [B, L, d_model] → [B, h, L, d_k] with view + transpose (each head gets every
//                     token's slice of features), the wrong view straight to [B, h, L, d_k] (a head's
//                     "positions" become halves of tokens), and the merge back (chapters 1, 5, 6)
//   qkv_scores_svg()  lecture 003's toy: Q · Kᵀ = scores → softmax(· / √d_k) = weights, weights · V
//                     = output, every matrix with its numbers (chapter 5)
#pragma once

#include <string>

namespace sf::pictures {

std::string head_split_svg();
std::string qkv_scores_svg();

}  // namespace sf::pictures
