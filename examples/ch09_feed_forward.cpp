// ch09_feed_forward: the position-wise feed-forward examples of chapter 9 (docs/09-feed-forward.md).
//
// The base model's FFN (512 → 2048 → 512) and its parameters, next to the rest of an encoder
// layer; one network applied to every position (row by row equals all rows at once); what ReLU
// does to the hidden layer; ReLU against GELU.
//
//   ch09_feed_forward               prints the chapter's numbers
//   ch09_feed_forward --svg DIR     also writes DIR/ch09_activations.svg
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "examples/common/svg.hpp"
#include "nn/nn.hpp"

using namespace sf;
using namespace sf::nn;

/// Returns the generator, which the next section goes on drawing from.
namespace {

Generator section_sizes() {
  std::cout << "=== sizes ===\n";
  // [doc:sizes]
  // The paper's sizes (§3.3): d_model = 512, d_ff = 2048, ReLU.
  Generator gen(9);
  FeedForward ffn({.d_model = 512, .d_ff = 2048}, gen);
  for (const auto& [name, p] : ffn.named_parameters()) std::cout << name << ' ' << p.shape() << '\n';
  std::cout << "total " << ffn.parameter_count() << " = 512·2048 + 2048 + 2048·512 + 512\n";
  // One encoder layer of the base model: attention, feed-forward, two LayerNorms.
  MultiHeadAttention attention({.d_model = 512, .heads = 8}, gen);
  LayerNorm norm({.normalized_shape = 512});
  const std::int64_t layer = attention.parameter_count() + ffn.parameter_count() + 2 * norm.parameter_count();
  std::cout << "encoder layer: " << attention.parameter_count() << " + " << ffn.parameter_count() << " + 2·"
            << norm.parameter_count() << " = " << layer << "; the FFN's share "
            << 100.0 * static_cast<double>(ffn.parameter_count()) / static_cast<double>(layer) << " %\n";
  // [doc:end]
  return gen;
}

// Two sections on one small FFN: it works position by position, and its hidden layer.
void section_position_wise_and_hidden(Generator& gen) {
  std::cout << "=== position-wise ===\n";
  // [doc:position-wise]
  // A small FFN (4 → 16 → 4) on a sentence of 5 tokens: all rows at once, then one row at a time.
  FeedForward small({.d_model = 4, .d_ff = 16, .dropout = 0.0}, gen);
  NoGradGuard no_grad;
  Tensor x = randn({5, 4}, gen);  // [L, d_model]
  Tensor all_rows = small(x);     // [5, 4]·[4, 16] → [5, 16] → [5, 4]
  double worst = 0;
  for (std::int64_t t = 0; t < 5; ++t) {  // the same weights for every position
    const auto one = small(x[t]).to_vector<double>(), batched = all_rows[t].to_vector<double>();
    for (std::size_t j = 0; j < one.size(); ++j) worst = std::max(worst, std::fabs(one[j] - batched[j]));
  }
  std::cout << "all rows at once:\n" << all_rows << "\nmax |row by row − all at once| = " << worst << '\n';
  std::cout << "parameters for any sentence length: " << small.parameter_count() << '\n';
  // [doc:end]

  std::cout << "=== hidden ===\n";
  // [doc:hidden]
  // The hidden layer of token 0 before and after ReLU: roughly half of the 16 units are cut to 0.
  Tensor pre = small.linear1(x[0]);  // [16]
  std::cout << "linear1(x₀):\n" << pre << "\nrelu:\n" << relu(pre) << '\n';
  std::int64_t zeros_after = 0;
  for (double h : relu(small.linear1(x)).to_vector<double>()) zeros_after += h == 0.0;
  std::cout << "zeros over the 5 tokens: " << zeros_after << " of " << 5 * 16 << '\n';
  // [doc:end]
}

void section_activations() {
  std::cout << "=== activations ===\n";
  // [doc:activations]
  Tensor z = tensor({-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3});
  std::cout << "x    " << z << "\nrelu " << relu(z) << "\ngelu " << gelu(z) << '\n';
  // [doc:end]
}

// The chapter's picture: ReLU and GELU.
void draw_pictures(const std::string& svg_dir) {
  std::vector<double> xs, r, g;
  for (int i = 0; i <= 120; ++i) xs.push_back(-3.0 + 0.05 * i);
  Tensor grid = tensor(xs, {.dtype = kFloat64});
  svg::LineChart chart(
      {.title = "ReLU (the paper) and GELU (BERT, GPT)", .x_label = "x", .y_label = "activation"});
  chart.add_series("ReLU", xs, relu(grid).to_vector<double>());
  chart.add_series("GELU", xs, gelu(grid).to_vector<double>());
  chart.save(svg_dir + "/ch09_activations.svg");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string svg_dir = argc == 3 && std::string(argv[1]) == "--svg" ? argv[2] : "";
  std::cout << std::fixed << std::setprecision(4) << std::boolalpha;

  Generator gen = section_sizes();
  section_position_wise_and_hidden(gen);
  section_activations();
  if (!svg_dir.empty()) draw_pictures(svg_dir);
  return 0;
}
