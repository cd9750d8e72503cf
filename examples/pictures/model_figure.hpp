// model_figure.hpp: the whole Transformer as a picture, in the spirit of the paper's Figure 1, with
// every block's tensor shape taken from a real forward pass (nn::ShapeRecording), not from formulas:
// change the code and the figure changes with it.
#pragma once

#include <cstdint>
#include <string>

#include "nn/transformer.hpp"

namespace sf::pictures {

struct ModelFigureConfig {
  std::int64_t batch = 2, source_len = 7, target_len = 6;  // the forward pass the shapes come from
  std::string title = "The Transformer, with the shapes of one forward pass";
};

/// Runs `model` once on random ids of the configured sizes (no gradients) while recording shapes,
/// and draws encoder and decoder side by side: each block with the shapes it produced.
std::string model_figure_svg(const nn::Transformer& model, const ModelFigureConfig& config = {});

}  // namespace sf::pictures
