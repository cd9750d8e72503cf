// checkpoint.hpp: saving training so that it can stop and resume exactly.
//
// A checkpoint is a directory with two safetensors files:
//   model.safetensors     the model's state dict (its weights). It opens in PyTorch and other tools,
//                         and it is all that translating or evaluating needs.
//   training.safetensors  the optimizer's state (Adam's m, v and step counts) and the caller's
//                         metadata: step, data position, random generators' states, ...
// Every tensor's bytes carry a CRC-32 in the file's metadata (safetensors.hpp), verified on loading:
// a checkpoint without them is refused, and weights from other tools load through import_weights.
// Each file is written atomically (a temporary file, fsync, rename), so a crash during a save never
// destroys the previous checkpoint. The training file is written first and the model file carries
// its hash, so a crash between the two is noticed when loading (the pair would not match) instead
// of resuming with an optimizer state from another step.
#pragma once

#include <map>
#include <string>

#include "nn/module.hpp"
#include "optim/optimizer.hpp"

namespace sf::optim {

using Metadata = std::map<std::string, std::string>;

/// Writes `model`'s weights and (if given) `optimizer`'s state with `metadata` into `dir` (created
/// if missing). The metadata goes into both files; throws IOError on failure.
void save_checkpoint(const std::string& dir, const nn::Module& model, const Optimizer* optimizer,
                     const Metadata& metadata);

/// Loads a checkpoint written by save_checkpoint into `model` (and `optimizer`, which then needs the
/// training file) and returns the metadata. Every name and shape must match; IOError or Error
/// otherwise, and nothing is changed then.
Metadata load_checkpoint(const std::string& dir, nn::Module& model, Optimizer* optimizer);

/// The metadata of <dir>/model.safetensors alone (to rebuild a model before loading its weights).
Metadata read_checkpoint_metadata(const std::string& dir);

/// Imports weights another tool wrote (a safetensors file from PyTorch) into `model` and returns the
/// file's metadata. The one loader that accepts tensors without checksums (those present are still
/// verified): call it only where the user asked to import a foreign file, never to resume a run, so
/// that deleting a checkpoint's checksums cannot hide its corruption. Names, shapes and dtypes must
/// fit the model (Module::load_state_dict); nothing is changed otherwise.
/// Example: optim::import_weights("pytorch_model.safetensors", model);
Metadata import_weights(const std::string& path, nn::Module& model);

}  // namespace sf::optim
