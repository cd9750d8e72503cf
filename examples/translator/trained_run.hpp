// trained_run.hpp: a trained run read back from its output directory: its settings (from the
// checkpoint's metadata), its tokeniser and its model, ready to translate.
#pragma once

#include <memory>
#include <string>

#include "examples/translator/run_config.hpp"
#include "nn/transformer.hpp"

namespace sf::translator {

struct TrainedRun {
  RunConfig config;
  Tokeniser tokeniser;
  std::unique_ptr<nn::Transformer> model;  // in evaluation mode
};

/// Loads <dir>/<checkpoint> ("best" or "latest"); IOError naming what is missing.
TrainedRun load_trained_run(const std::string& dir, const std::string& checkpoint = "best");

}  // namespace sf::translator
