// graph.hpp: drawing the autograd graph, for teaching (Graphviz DOT, or Mermaid for Markdown).
//
// Every tensor that reaches `root` through recorded ops appears: leaves (parameters and inputs) as
// boxes with their name, shape and, for tiny tensors, their values and gradients; ops as rounded
// nodes with their output shape. Edges go in the forward direction. Render DOT with
// `dot -Tsvg graph.dot`; a Mermaid block renders directly on GitHub. (The idea is micrograd's
// draw_dot.)
#pragma once

#include <string>

#include "core/tensor.hpp"

namespace sf {

struct DotOptions {
  /// Tensors with at most this many elements show their values (and gradients, if any).
  std::int64_t max_values = 6;
  int precision = 4;
};

/// The Graphviz DOT text of the graph that produced `root`.
std::string to_dot(const Tensor& root, const DotOptions& options = {});

/// The same graph as a Mermaid flowchart (the text inside a ```mermaid block).
std::string to_mermaid(const Tensor& root, const DotOptions& options = {});

}  // namespace sf
