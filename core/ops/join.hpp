// join.hpp: putting tensors together (concat, stack) and taking them apart (split, chunk).
#pragma once

#include <vector>

#include "core/tensor.hpp"

namespace sf {

/// Joins tensors along an existing axis; all other sizes must match.
///   concat({a [2, 3], b [2, 5]}, 1) → [2, 8]
Tensor concat(const std::vector<Tensor>& tensors, std::int64_t axis);
/// Joins tensors of one shape along a new axis: stack({a [3], b [3]}, 0) → [2, 3].
Tensor stack(const std::vector<Tensor>& tensors, std::int64_t axis);
/// Views of consecutive pieces along `axis` with the given sizes (they must add up to its size).
std::vector<Tensor> split(const Tensor& x, const std::vector<std::int64_t>& sizes, std::int64_t axis);
/// `chunks` views of equal size along `axis` (which must divide evenly).
std::vector<Tensor> chunk(const Tensor& x, std::int64_t chunks, std::int64_t axis);

}  // namespace sf
