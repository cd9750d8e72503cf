// averaging.hpp: checkpoint averaging. The parameters of a run's last few validation saves, averaged
// element by element, often translate better than any one of them: late in training the weights
// wander around a minimum, and their mean lies nearer its middle (Vaswani et al. 2017 average the
// last 5 or 20 checkpoints). The run keeps those saves as "snapshots" (checkpointing.hpp), one
// safetensors file each, with a checksum per tensor verified when read.
#pragma once

#include <string>
#include <vector>

#include "nn/module.hpp"

namespace sf::translator {

/// The element-wise mean of the state dicts in the snapshot files at `paths` (each verified as it is
/// read), in the first file's dtypes. IOError naming the file for one that is missing or damaged, and
/// naming the tensor for one that is missing or has another shape than in the first file; ValueError
/// for no paths.
nn::StateDict average_snapshots(const std::vector<std::string>& paths);

}  // namespace sf::translator
