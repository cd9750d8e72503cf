// clip.hpp: gradient clipping by global norm (as torch.nn.utils.clip_grad_norm_).
//
// One bad batch can give a gradient a thousand times larger than usual, and a step along it undoes
// hours of training. Clipping measures the L2 norm of all gradients together, as one long vector,
// and if it exceeds max_norm scales every gradient by max_norm / norm: the direction is kept, only
// the length is capped. Call it between loss.backward() and opt.step().
#pragma once

#include <vector>

#include "core/tensor.hpp"

namespace sf::optim {

/// Scales the gradients of `params` in place so that their global L2 norm is at most `max_norm`,
/// and returns the norm they had before. Parameters without a gradient are skipped; below max_norm
/// nothing changes. A non-finite norm (a NaN or inf somewhere) is returned with the gradients left
/// untouched: scaling cannot repair them, so the caller decides (usually: skip this step).
/// Example: if (double norm = clip_grad_norm(model.parameters(), 1.0); std::isfinite(norm)) opt.step();
double clip_grad_norm(const std::vector<Tensor>& params, double max_norm);

}  // namespace sf::optim
