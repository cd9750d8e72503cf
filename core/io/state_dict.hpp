// state_dict.hpp: what a caller needs to put a loaded checkpoint back into a model or an optimizer.
//
// A state dict is a map from names to tensors ("encoder.0.attn.w_q", "param.3.m"). Saving it is
// save_safetensors; loading it back means matching names and checking shapes and dtypes, and
// restoring the random generator so that dropout and shuffling continue where they stopped.
// Module::load_state_dict and the optimizers' load_state_dict are built from these helpers.
//
// What it is not: a model registry. It knows nothing of modules; the caller owns the naming.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/random.hpp"
#include "core/tensor.hpp"

namespace sf {

/// The tensor named `name` in `tensors`, checked: ValueError if it is missing, ShapeError if its
/// shape differs from `shape`, TypeError if its dtype differs from `dtype`. `who` starts the message.
/// Example: const Tensor& m = expect_tensor(state, "param.0.m", w.shape(), w.dtype(),
/// "Adam.load_state_dict");
const Tensor& expect_tensor(const std::map<std::string, Tensor>& tensors, const std::string& name,
                            const Shape& shape, DType dtype, std::string_view who);

/// Checks that `state` fits `expected` (a model's own state dict) before anything is copied: the same
/// names, each tensor defined, of the same shape, and of the same dtype (except that floating-point
/// values load into any floating-point dtype: a float32 checkpoint into a float64 model). Throws
/// Error naming every name that breaks a rule, for example
///   load_state_dict: the state dict does not fit this model. Missing: bias. Unexpected: extra.
///   Wrong shape: weight ([2, 4] in the state dict, [2, 3] in the model).
///   Wrong dtype: mask (float32 in the state dict, bool in the model).
/// `who` starts the message. Example: check_state_dict(state, model.state_dict(), "load_state_dict");
void check_state_dict(const std::map<std::string, Tensor>& state,
                      const std::map<std::string, Tensor>& expected, std::string_view who);

/// The names in `tensors` that are not in `expected`, sorted (report them, or ignore them when loading
/// only part of a model).
std::vector<std::string> unexpected_keys(const std::map<std::string, Tensor>& tensors,
                                         const std::set<std::string>& expected);

/// Stores a generator's state as two metadata strings, "<key>.seed" and "<key>.counter" (decimal:
/// JSON numbers could not hold every 64-bit value exactly, strings can).
/// Example: put_generator_state(metadata, "rng", default_generator().state());
void put_generator_state(std::map<std::string, std::string>& metadata, const std::string& key,
                         Generator::State state);

/// Reads what put_generator_state stored. Throws IOError if an entry is missing or not a 64-bit
/// unsigned decimal number.
/// Example: default_generator().set_state(get_generator_state(file.metadata, "rng"));
Generator::State get_generator_state(const std::map<std::string, std::string>& metadata,
                                     const std::string& key);

}  // namespace sf
