// fuzz_load_state_dict.cpp: a libFuzzer target for loading a safetensors file into a model and an
// optimizer, the path every checkpoint takes after the reader (fuzz_safetensors.cpp) has accepted it.
//
// What it checks, for every input libFuzzer invents:
//   - the input is read as an import (Checksums::if_present, so that invented files get past the
//     checksums); a refused file is an sf::IOError;
//   - Module::load_state_dict into a small model (a Linear, a LayerNorm, a bool and an int64 buffer)
//     and Adam::load_state_dict into its optimizer either succeed or throw an sf::Error, and a refusal
//     leaves every tensor of the model and the optimizer's state bit for bit as it was;
//   - when the model accepts, it holds exactly the file's values (converted to its dtypes).
// AddressSanitizer and UndefinedBehaviorSanitizer watch every step; any other exception escapes and
// libFuzzer reports it.
//
// How to run it: as fuzz_safetensors.cpp describes, with this target and its own seed corpus:
//   cmake --build build/sanitize -j2 --target fuzz_load_state_dict
//   mkdir -p build/sanitize/corpus_state_dict
//   build/sanitize/tests/fuzz/fuzz_load_state_dict build/sanitize/corpus_state_dict
//   tests/fuzz/corpus_state_dict \
//       tests/fuzz/corpus -dict=tests/fuzz/safetensors.dict -max_len=4096 -malloc_limit_mb=512
// tests/fuzz/corpus_state_dict holds the model's and the optimizer's own state (written by this
// library, so with checksums) and a few near misses.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

#include "core/error.hpp"
#include "core/io/safetensors.hpp"
#include "nn/layer_norm.hpp"
#include "nn/linear.hpp"
#include "nn/module.hpp"
#include "optim/adam.hpp"

namespace {

/// The model the inputs are loaded into: names "lin.weight" [2, 3], "lin.bias" [2], "norm.weight" [2],
/// "norm.bias" [2], "mask" [2] (bool) and "count" [] (int64).
struct Tiny : sf::nn::Module {
  sf::nn::Linear lin;
  sf::nn::LayerNorm norm;
  sf::Tensor mask = sf::zeros({2}, {.dtype = sf::kBool});
  sf::Tensor count = sf::zeros({}, {.dtype = sf::kInt64});
  explicit Tiny(sf::Generator& gen)
      : lin({.in_features = 3, .out_features = 2}, gen), norm({.normalized_shape = 2}) {
    register_module("lin", lin);
    register_module("norm", norm);
    register_buffer("mask", mask);
    register_buffer("count", count);
  }
};

/// Same names, shapes, dtypes and bits.
bool identical(const std::map<std::string, sf::Tensor>& a, const std::map<std::string, sf::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, x] : a) {
    const auto it = b.find(name);
    if (it == b.end()) return false;
    const sf::Tensor& y = it->second;
    if (!(x.shape() == y.shape()) || x.dtype() != y.dtype()) return false;
    const sf::Tensor cx = x.contiguous(), cy = y.contiguous();
    const auto n = static_cast<std::size_t>(cx.numel()) * sf::itemsize(cx.dtype());
    if (n > 0 && std::memcmp(cx.storage()->data(), cy.storage()->data(), n) != 0) return false;
  }
  return true;
}

/// Deep copies, to compare against after a refused load.
std::map<std::string, sf::Tensor> snapshot(const std::map<std::string, sf::Tensor>& state) {
  std::map<std::string, sf::Tensor> out;
  for (const auto& [name, t] : state) out.emplace(name, t.detach().clone());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sf::SafetensorsFile file;
  try {
    file =
        sf::parse_safetensors(std::as_bytes(std::span(data, size)), "fuzz input", sf::Checksums::if_present);
  } catch (const sf::IOError&) {
    return 0;
  }
  sf::Generator gen(1);
  Tiny model(gen);
  sf::optim::Adam adam(model.parameters());

  const auto model_before = snapshot(model.state_dict());
  bool loaded = true;
  try {
    model.load_state_dict(file.tensors);
  } catch (const sf::Error&) {
    loaded = false;
    if (!identical(model.state_dict(), model_before)) std::abort();  // a refusal changed the model
  }
  if (loaded)  // the model holds exactly the file's values
    for (const auto& [name, t] : model.state_dict())
      if (!identical({{name, t}}, {{name, file.tensors.at(name).to(t.dtype())}})) std::abort();

  const auto adam_before = snapshot(adam.state_dict());
  try {
    adam.load_state_dict(file.tensors);
  } catch (const sf::Error&) {
    if (!identical(adam.state_dict(), adam_before)) std::abort();  // a refusal changed the optimizer
  }
  return 0;
}
