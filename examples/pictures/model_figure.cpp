// model_figure.cpp: record the shapes of one forward pass, then draw the blocks that made them.
#include "examples/pictures/model_figure.hpp"

#include <map>
#include <sstream>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "examples/common/svg_document.hpp"

namespace sf::pictures {
namespace {

// The paper's Figure 1 colours: embeddings pink, attention orange, add & norm yellow, feed-forward
// blue, the output projection purple, softmax green.
const char* kEmbedding = "#fbd5d9";
const char* kAttention = "#fde2b8";
const char* kNorm = "#f6f2b8";
const char* kFeedForward = "#cde6f7";
const char* kLinear = "#e2d8f3";
const char* kSoftmax = "#d3edcc";
const char* kInput = "#eeeeee";

std::string shape_text(const Shape& s) {
  std::ostringstream out;
  out << '[';
  for (std::int64_t i = 0; i < s.size(); ++i) out << (i ? ", " : "") << s[i];
  out << ']';
  return out.str();
}

/// The recorded shapes by module name: shapes[name][what] lists one shape per call, in call order.
class Shapes {
 public:
  Shapes(const nn::Module& model, const nn::ShapeRecording& recording) {
    std::map<const nn::Module*, std::string> names;
    for (const auto& [name, module] : model.named_modules()) names.emplace(module, name);
    for (const nn::RecordedShape& r : recording.shapes())
      by_name_[names.at(r.module)][r.what].push_back(r.shape);
  }
  bool has(const std::string& name) const { return by_name_.contains(name); }
  /// The shape `name` made on its `call`-th call (0-based): ValueError if it never did.
  std::string operator()(const std::string& name, const std::string& what = "output",
                         std::size_t call = 0) const {
    const auto m = by_name_.find(name);
    if (m == by_name_.end() || !m->second.contains(what) || m->second.at(what).size() <= call)
      fail<ValueError>("model_figure: no recorded shape for ", name, " (", what, ", call ", call, ")");
    return shape_text(m->second.at(what)[call]);
  }

 private:
  std::map<std::string, std::map<std::string, std::vector<Shape>>> by_name_;
};

struct Block {
  std::string title;
  std::vector<std::string> lines;  // "what: [shape]"
  const char* fill;
};

class Column {
 public:
  Column(svg::Document& doc, double x, double y, double width) : doc_(doc), x_(x), y_(y), width_(width) {}
  /// Draws a block below the previous one, with an arrow from it. Returns the block's top y.
  double add(const Block& b) {
    if (!first_) arrow(y_ - 18, y_);
    first_ = false;
    const double h = 24 + 16 * static_cast<double>(b.lines.size());
    doc_.rect(x_, y_, width_, h, b.fill, "#555555");
    doc_.text(x_ + width_ / 2, y_ + 17, b.title, 13.5, svg::Anchor::middle);
    for (std::size_t i = 0; i < b.lines.size(); ++i)
      doc_.text(x_ + width_ / 2, y_ + 34 + 16 * static_cast<double>(i), b.lines[i], 12, svg::Anchor::middle,
                0, "#333333");
    const double top = y_;
    y_ += h + 18;
    return top;
  }
  void arrow(double from, double to) {
    doc_.line(x_ + width_ / 2, from, x_ + width_ / 2, to - 3, "#555555", 1.5);
    doc_.polyline({{x_ + width_ / 2 - 4, to - 8}, {x_ + width_ / 2, to - 2}, {x_ + width_ / 2 + 4, to - 8}},
                  "#555555", 1.5);
  }
  void gap(double dy) { y_ += dy; }
  double y() const { return y_; }
  double x() const { return x_; }
  double width() const { return width_; }

 private:
  svg::Document& doc_;
  double x_, y_, width_;
  bool first_ = true;
};

Tensor random_ids(std::int64_t batch, std::int64_t len, std::int64_t vocab, Generator& gen) {
  std::vector<double> ids;
  for (std::int64_t i = 0; i < batch * len; ++i)
    ids.push_back(static_cast<double>(1 + gen.next_u64() % static_cast<std::uint64_t>(vocab - 1)));
  return tensor(ids, {batch, len}, {.dtype = kInt64});
}

}  // namespace

std::string model_figure_svg(const nn::Transformer& model, const ModelFigureConfig& config) {
  const nn::TransformerConfig& c = model.config();
  Generator gen(1);
  const Tensor source = random_ids(config.batch, config.source_len, c.source_vocab, gen);
  const Tensor target = random_ids(config.batch, config.target_len, c.target_vocab, gen);
  NoGradGuard no_grad;
  nn::ShapeRecording recording;
  const Tensor logits = model(source, target);
  const Shapes shape(model, recording);

  const double width = 940, column = 380;
  const double height = 800 + (c.final_norm ? 116 : 0);  // two more blocks with a final norm
  svg::Document doc(width, height);
  doc.rect(0, 0, width, height, "#ffffff");
  doc.text(width / 2, 28, config.title, 17);
  std::ostringstream legend;
  legend << "B = " << config.batch << " sentences, S = " << config.source_len
         << " source and T = " << config.target_len << " target tokens; d_model = " << c.layer.d_model
         << ", h = " << c.layer.heads << " heads of d_k = " << c.layer.d_model / c.layer.heads
         << ", d_ff = " << c.layer.d_ff;
  doc.text(width / 2, 50, legend.str(), 12.5, svg::Anchor::middle, 0, "#444444");

  const std::string enc = "encoder.layers.0.", dec = "decoder.layers.0.";
  Column left(doc, 70, 80, column), right(doc, width - 70 - column, 80, column);
  left.add({"source token ids", {"input: " + shape_text(source.shape())}, kInput});
  left.add({"input embedding · √d_model", {"output: " + shape("source_embedding")}, kEmbedding});
  left.add({"+ positional encoding, dropout",
            {"output: " + shape("positional.dropout", "output", 0)},
            kEmbedding});
  const double enc_top = left.y() - 8;
  left.add({"multi-head self-attention",
            {"Q, K, V split into heads: " + shape(enc + "self_attn", "Q"),
             "weights softmax(QKᵀ/√d_k): " + shape(enc + "self_attn.dropout"),
             "heads merged, · W^O: " + shape(enc + "self_attn.out_proj")},
            kAttention});
  left.add({"add & norm", {"output: " + shape(enc + "norm1")}, kNorm});
  left.add({"feed-forward",
            {"linear1, ReLU: " + shape(enc + "linear1"), "linear2: " + shape(enc + "linear2")},
            kFeedForward});
  left.add({"add & norm", {"output: " + shape(enc + "norm2")}, kNorm});
  const double enc_bottom = left.y() - 10;
  if (shape.has("encoder.norm")) left.add({"final layer norm", {"output: " + shape("encoder.norm")}, kNorm});
  const double memory_y = left.y() - 18;

  right.add(
      {"target token ids (shifted right: <s> first)", {"input: " + shape_text(target.shape())}, kInput});
  right.add({"output embedding · √d_model", {"output: " + shape("target_embedding")}, kEmbedding});
  right.add({"+ positional encoding, dropout",
             {"output: " + shape("positional.dropout", "output", 1)},
             kEmbedding});
  const double dec_top = right.y() - 8;
  right.add({"masked multi-head self-attention",
             {"Q, K, V split into heads: " + shape(dec + "self_attn", "Q"),
              "weights (future masked): " + shape(dec + "self_attn.dropout"),
              "heads merged, · W^O: " + shape(dec + "self_attn.out_proj")},
             kAttention});
  right.add({"add & norm", {"output: " + shape(dec + "norm1")}, kNorm});
  const double cross_top = right.add(
      {"cross-attention (K, V from the encoder)",
       {"Q: " + shape(dec + "multihead_attn", "Q") + ",  K, V: " + shape(dec + "multihead_attn", "K"),
        "weights: " + shape(dec + "multihead_attn.dropout"),
        "heads merged, · W^O: " + shape(dec + "multihead_attn.out_proj")},
       kAttention});
  right.add({"add & norm", {"output: " + shape(dec + "norm2")}, kNorm});
  right.add({"feed-forward",
             {"linear1, ReLU: " + shape(dec + "linear1"), "linear2: " + shape(dec + "linear2")},
             kFeedForward});
  right.add({"add & norm", {"output: " + shape(dec + "norm3")}, kNorm});
  const double dec_bottom = right.y() - 10;
  if (shape.has("decoder.norm")) right.add({"final layer norm", {"output: " + shape("decoder.norm")}, kNorm});
  right.add({"linear (output projection)", {"logits: " + shape("output_projection")}, kLinear});
  right.add({"softmax over the vocabulary (in the loss, or when decoding)",
             {"probabilities: " + shape_text(logits.shape())},
             kSoftmax});

  // The layer frames, "× N" beside them, and the memory arrow into every cross-attention.
  const auto frame = [&](const Column& col, double top, double bottom, std::int64_t n, bool left_side) {
    doc.rect(col.x() - 12, top, col.width() + 24, bottom - top, "none", "#888888");
    const double tx = left_side ? col.x() - 18 : col.x() + col.width() + 18;
    doc.text(tx, (top + bottom) / 2, "× " + std::to_string(n), 16,
             left_side ? svg::Anchor::end : svg::Anchor::start);
  };
  frame(left, enc_top, enc_bottom, c.encoder_layers, true);
  frame(right, dec_top, dec_bottom, c.decoder_layers, false);
  const double mx = left.x() + left.width() / 2, cy = cross_top + 20;
  doc.line(mx, memory_y, mx, memory_y + 30, "#b35900", 2);
  doc.polyline({{mx, memory_y + 30}, {width / 2, memory_y + 30}, {width / 2, cy}, {right.x() - 3, cy}},
               "#b35900", 2);
  doc.polyline({{right.x() - 9, cy - 4}, {right.x() - 2, cy}, {right.x() - 9, cy + 4}}, "#b35900", 2);
  doc.text(
      mx, memory_y + 48,
      "memory " + shape(c.final_norm ? "encoder.norm"
                                     : "encoder.layers." + std::to_string(c.encoder_layers - 1) + ".norm2"),
      12.5, svg::Anchor::middle, 0, "#b35900");
  doc.text(mx, memory_y + 64, "(every decoder layer's K and V)", 12, svg::Anchor::middle, 0, "#b35900");
  return doc.str();
}

}  // namespace sf::pictures
