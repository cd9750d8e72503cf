// attention_pictures.cpp: grids of attention heat maps, and snapshots of one head during training.
#include "examples/pictures/attention_pictures.hpp"

#include <algorithm>
#include <sstream>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "examples/common/svg_document.hpp"
#include "examples/translator/batching.hpp"
#include "examples/translator/training_step.hpp"
#include "optim/adam.hpp"

namespace sf::pictures {
namespace {

// The heat maps' sequential palette (examples/common/heat_map.cpp): 0 dark purple, 1 yellow.
const std::vector<std::string> kPalette{"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"};

/// One matrix of weights at (x, y), cells of `cell` pixels; labels on the left and/or below.
void small_map(svg::Document& doc, double x, double y, double cell, const std::vector<std::vector<double>>& w,
               const std::vector<std::string>* row_labels, const std::vector<std::string>* column_labels) {
  for (std::size_t r = 0; r < w.size(); ++r)
    for (std::size_t c = 0; c < w[r].size(); ++c)
      doc.rect(x + cell * static_cast<double>(c), y + cell * static_cast<double>(r), cell, cell,
               svg::colour_at(kPalette, std::clamp(w[r][c], 0.0, 1.0)));
  const double font = std::min(11.0, cell * 0.8);
  if (row_labels)
    for (std::size_t r = 0; r < row_labels->size(); ++r)
      doc.text(x - 4, y + cell * (static_cast<double>(r) + 0.5) + font / 3, (*row_labels)[r], font,
               svg::Anchor::end);
  if (column_labels)
    for (std::size_t c = 0; c < column_labels->size(); ++c) {
      const double cx = x + cell * (static_cast<double>(c) + 0.5) + font / 3;
      const double cy = y + cell * static_cast<double>(w.size()) + 4;
      doc.text(cx, cy, (*column_labels)[c], font, svg::Anchor::end, -60);
    }
}

double label_width(const std::vector<std::string>& labels, double font) {
  double w = 0;
  for (const std::string& l : labels) w = std::max(w, svg::text_width(l, font));
  return w;
}

void colour_bar(svg::Document& doc, double x, double y, double height) {
  doc.vertical_gradient("weights", kPalette);
  doc.rect(x, y, 14, height, "url(#weights)", "#999999");
  doc.text(x + 18, y + 10, "1", 11, svg::Anchor::start);
  doc.text(x + 18, y + height, "0", 11, svg::Anchor::start);
}

}  // namespace

std::string attention_grid_svg(const translator::AttentionKind& kind, const std::string& title) {
  const std::size_t layers = kind.weights.size(), heads = layers ? kind.weights[0].size() : 0;
  if (layers == 0 || heads == 0) fail<ValueError>("attention_grid_svg: no weights for ", kind.name);
  const double rows = static_cast<double>(kind.queries.size()), cols = static_cast<double>(kind.keys.size());
  const double cell = std::clamp(190.0 / std::max(rows, cols), 6.0, 22.0);
  const double font = std::min(11.0, cell * 0.8);
  const double left = 70 + label_width(kind.queries, font), gap = 26;
  const double map_w = cell * cols, map_h = cell * rows;
  const double bottom_labels = label_width(kind.keys, font) * 0.87 + 16;
  const double width = left + static_cast<double>(heads) * (map_w + gap) + 50;
  const double height = 70 + static_cast<double>(layers) * (map_h + gap + 14) + bottom_labels;
  svg::Document doc(width, height);
  doc.rect(0, 0, width, height, "#ffffff");
  doc.text(20, 26, title, 15, svg::Anchor::start);
  doc.text(20, 44,
           kind.name + ": rows are queries, columns keys; " + std::to_string(layers) + " layers × " +
               std::to_string(heads) + " heads",
           12, svg::Anchor::start, 0, "#444444");
  for (std::size_t l = 0; l < layers; ++l) {
    const double y = 76 + static_cast<double>(l) * (map_h + gap + 14);
    doc.text(16, y + map_h / 2, "layer " + std::to_string(l + 1), 12, svg::Anchor::start);
    for (std::size_t h = 0; h < heads; ++h) {
      const double x = left + static_cast<double>(h) * (map_w + gap);
      if (l == 0) doc.text(x + map_w / 2, y - 8, "head " + std::to_string(h + 1), 12);
      small_map(doc, x, y, cell, kind.weights[l][h], h == 0 ? &kind.queries : nullptr,
                l + 1 == layers ? &kind.keys : nullptr);
    }
  }
  colour_bar(doc, width - 40, 76, std::min(120.0, map_h));
  return doc.str();
}

Snapshots attention_during_training(const translator::RunConfig& config, const translator::SentencePair& pair,
                                    const std::vector<std::int64_t>& steps, std::size_t layer,
                                    std::size_t head) {
  using namespace translator;
  const RunData data = load_run_data(config);
  const Tokeniser tokeniser = build_tokeniser(config, data.train);
  Generator model_generator(config.seed), order(config.seed + 1);
  nn::Transformer model(config.model_config(tokeniser.source_size(), tokeniser.target_size()),
                        model_generator);
  optim::Adam adam(model.parameters(), optim::kPaperAdam);
  const std::vector<EncodedPair> pairs = encode_pairs(data.train, tokeniser, config.max_len);
  std::vector<Batch> batches;
  std::size_t next = 0;
  Snapshots out;
  double loss = 0;
  const std::int64_t last = steps.empty() ? 0 : *std::max_element(steps.begin(), steps.end());
  for (std::int64_t step = 0; step <= last; ++step) {
    if (std::find(steps.begin(), steps.end(), step) != steps.end()) {
      model.eval();
      const AttentionMaps maps = attention_maps(model, tokeniser, pair.source, pair.target);
      const AttentionKind& cross = maps.kinds.at(2);
      out.queries = cross.queries;
      out.keys = cross.keys;
      out.snapshots.push_back({step, loss, cross.weights.at(layer).at(head)});
      model.train();
    }
    if (step == last) break;
    if (next == batches.size()) {
      batches = make_batches(pairs, {.batch_size = config.batch_size}, order);
      next = 0;
    }
    loss = training_step(model, adam, batches[next++], config).loss;
  }
  return out;
}

std::string attention_snapshots_svg(const Snapshots& s, const std::string& title) {
  if (s.snapshots.empty()) fail<ValueError>("attention_snapshots_svg: no snapshots");
  const double rows = static_cast<double>(s.queries.size()), cols = static_cast<double>(s.keys.size());
  const double cell = std::clamp(170.0 / std::max(rows, cols), 6.0, 18.0);
  const double font = std::min(11.0, cell * 0.8);
  const double left = 20 + label_width(s.queries, font), gap = 24, map_w = cell * cols, map_h = cell * rows;
  const double width = left + static_cast<double>(s.snapshots.size()) * (map_w + gap) + 50;
  const double height = 100 + map_h + label_width(s.keys, font) * 0.87 + 20;
  svg::Document doc(width, height);
  doc.rect(0, 0, width, height, "#ffffff");
  doc.text(20, 26, title, 15, svg::Anchor::start);
  for (std::size_t i = 0; i < s.snapshots.size(); ++i) {
    const AttentionSnapshot& a = s.snapshots[i];
    const double x = left + static_cast<double>(i) * (map_w + gap), y = 84;
    doc.text(x + map_w / 2, y - 24, "step " + std::to_string(a.step), 12.5);
    std::ostringstream loss;
    loss.precision(2);
    loss << std::fixed << a.loss;
    doc.text(x + map_w / 2, y - 8, a.step == 0 ? "untrained" : "loss " + loss.str(), 11, svg::Anchor::middle,
             0, "#555555");
    small_map(doc, x, y, cell, a.weights, i == 0 ? &s.queries : nullptr, &s.keys);
  }
  colour_bar(doc, width - 40, 84, std::min(120.0, map_h));
  return doc.str();
}

}  // namespace sf::pictures
