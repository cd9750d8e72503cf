// checkpoint.cpp: the two-file checkpoint (see checkpoint.hpp).
#include "optim/checkpoint.hpp"

#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/safetensors.hpp"

namespace sf::optim {
namespace {

namespace fs = std::filesystem;

/// FNV-1a, 64 bits: a fingerprint of the training file, stored in the model file.
std::string fingerprint(const std::vector<std::byte>& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::byte b : bytes) h = (h ^ static_cast<std::uint64_t>(b)) * 0x100000001b3ULL;
  std::ostringstream os;
  os << std::hex << h;
  return os.str();
}

std::string model_path(const std::string& dir) { return (fs::path(dir) / "model.safetensors").string(); }
std::string training_path(const std::string& dir) {
  return (fs::path(dir) / "training.safetensors").string();
}

}  // namespace

void save_checkpoint(const std::string& dir, const nn::Module& model, const Optimizer* optimizer,
                     const Metadata& metadata) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail<IOError>("save_checkpoint: cannot create the directory ", dir, ": ", ec.message());
  Metadata model_meta = metadata;
  if (optimizer) {
    const std::vector<std::byte> training = serialize_safetensors(optimizer->state_dict(), metadata);
    io::write_file_atomically(training_path(dir), training);  // first: the model file points at it
    model_meta["training_file_fnv1a"] = fingerprint(training);
  }
  io::write_file_atomically(model_path(dir), serialize_safetensors(model.state_dict(), model_meta));
}

Metadata read_checkpoint_metadata(const std::string& dir) {
  return load_safetensors(model_path(dir)).metadata;
}

Metadata import_weights(const std::string& path, nn::Module& model) {
  SafetensorsFile file = load_safetensors(path, Checksums::if_present);
  model.load_state_dict(file.tensors);
  return file.metadata;
}

Metadata load_checkpoint(const std::string& dir, nn::Module& model, Optimizer* optimizer) {
  SafetensorsFile weights = load_safetensors(model_path(dir));
  if (optimizer) {
    const std::vector<std::byte> bytes = io::read_file(training_path(dir));
    const auto expected = weights.metadata.find("training_file_fnv1a");
    if (expected == weights.metadata.end() || expected->second != fingerprint(bytes))
      fail<IOError>("load_checkpoint: ", training_path(dir), " does not belong to ", model_path(dir),
                    " (they come from different saves; was a save interrupted?)");
    const SafetensorsFile training = parse_safetensors(bytes, training_path(dir));
    model.load_state_dict(weights.tensors);  // both validate everything before changing anything
    optimizer->load_state_dict(training.tensors);
  } else {
    model.load_state_dict(weights.tensors);
  }
  weights.metadata.erase("training_file_fnv1a");
  return weights.metadata;
}

}  // namespace sf::optim
