// trained_run.cpp: rebuilding a trained model from its run directory.
#include "examples/translator/trained_run.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "examples/translator/checkpointing.hpp"
#include "optim/checkpoint.hpp"

namespace sf::translator {

TrainedRun load_trained_run(const std::string& dir, const std::string& checkpoint) {
  namespace fs = std::filesystem;
  const std::string where = (fs::path(dir) / checkpoint).string();
  if (!fs::exists(fs::path(where) / "model.safetensors"))
    fail<IOError>("no trained model in ", where, " (train one first: translator train --out ", dir, ")");
  const optim::Metadata metadata = optim::read_checkpoint_metadata(where);
  RunConfig config = RunConfig::from_metadata(metadata);
  Tokeniser tokeniser = RunDirectory(dir).load_tokeniser(config, metadata);
  TrainedRun run{std::move(config), std::move(tokeniser), nullptr};
  run.model = std::make_unique<nn::Transformer>(
      run.config.model_config(run.tokeniser.source_size(), run.tokeniser.target_size()));
  optim::load_checkpoint(where, *run.model, nullptr);
  run.model->eval();
  return run;
}

}  // namespace sf::translator
