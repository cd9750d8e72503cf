// state_dict.cpp: checked lookups in a loaded state dict, and the generator's state as metadata.
#include "core/io/state_dict.hpp"

#include <charconv>

#include "core/error.hpp"

namespace sf {

const Tensor& expect_tensor(const std::map<std::string, Tensor>& tensors, const std::string& name,
                            const Shape& shape, DType dtype, std::string_view who) {
  const auto it = tensors.find(name);
  if (it == tensors.end()) fail<ValueError>(who, ": the state has no tensor '", name, "'");
  const Tensor& t = it->second;
  if (!t.defined()) fail<ValueError>(who, ": tensor '", name, "' is undefined");
  if (!(t.shape() == shape))
    fail<ShapeError>(who, ": tensor '", name, "' has shape ", t.shape(), ", expected ", shape);
  if (t.dtype() != dtype)
    fail<TypeError>(who, ": tensor '", name, "' is ", dtype_name(t.dtype()), ", expected ",
                    dtype_name(dtype));
  return t;
}

void check_state_dict(const std::map<std::string, Tensor>& state,
                      const std::map<std::string, Tensor>& expected, std::string_view who) {
  std::vector<std::string> missing, unexpected, undefined, wrong_shape, wrong_dtype;
  for (const auto& [name, mine] : expected) {
    const auto it = state.find(name);
    if (it == state.end()) {
      missing.push_back(name);
      continue;
    }
    const Tensor& t = it->second;
    if (!t.defined()) {
      undefined.push_back(name);
      continue;
    }
    if (!(t.shape() == mine.shape()))
      wrong_shape.push_back(
          str(name, " (", t.shape(), " in the state dict, ", mine.shape(), " in the model)"));
    if (t.dtype() != mine.dtype() && !(is_floating(t.dtype()) && is_floating(mine.dtype())))
      wrong_dtype.push_back(str(name, " (", dtype_name(t.dtype()), " in the state dict, ",
                                dtype_name(mine.dtype()), " in the model)"));
  }
  for (const auto& entry : state)
    if (!expected.contains(entry.first)) unexpected.push_back(entry.first);
  if (missing.empty() && unexpected.empty() && undefined.empty() && wrong_shape.empty() &&
      wrong_dtype.empty())
    return;
  std::string message = str(who, ": the state dict does not fit this model.");
  const auto list = [&](const char* what, const std::vector<std::string>& names) {
    if (names.empty()) return;
    message += str(' ', what, ':');
    for (std::size_t i = 0; i < names.size(); ++i) message += (i ? ", " : " ") + names[i];
    message += '.';
  };
  list("Missing", missing);
  list("Unexpected", unexpected);
  list("Undefined", undefined);
  list("Wrong shape", wrong_shape);
  list("Wrong dtype", wrong_dtype);
  throw Error(message);
}

std::vector<std::string> unexpected_keys(const std::map<std::string, Tensor>& tensors,
                                         const std::set<std::string>& expected) {
  std::vector<std::string> out;
  for (const auto& entry : tensors)
    if (!expected.contains(entry.first)) out.push_back(entry.first);
  return out;
}

void put_generator_state(std::map<std::string, std::string>& metadata, const std::string& key,
                         Generator::State state) {
  metadata[key + ".seed"] = std::to_string(state.seed);
  metadata[key + ".counter"] = std::to_string(state.counter);
}

namespace {

std::uint64_t read_u64(const std::map<std::string, std::string>& metadata, const std::string& key) {
  const auto it = metadata.find(key);
  if (it == metadata.end()) fail<IOError>("get_generator_state: the metadata has no '", key, "'");
  const std::string& s = it->second;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    fail<IOError>("get_generator_state: metadata '", key, "' is \"", s,
                  "\", not an unsigned 64-bit decimal number");
  return value;
}

}  // namespace

Generator::State get_generator_state(const std::map<std::string, std::string>& metadata,
                                     const std::string& key) {
  return {.seed = read_u64(metadata, key + ".seed"), .counter = read_u64(metadata, key + ".counter")};
}

}  // namespace sf
