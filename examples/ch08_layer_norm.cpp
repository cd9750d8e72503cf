// ch08_layer_norm: the LayerNorm and residual examples of chapter 8
// (docs/08-layer-norm-and-residual.md).
//
// LayerNorm([1, 2, 3, 4]) step by step, then γ and β; the variants in the code the lectures follow;
// why ε; Add & Norm on the "I am good" attention output; the residual's gradient through a deep
// stack; post-LN against pre-LN; LayerNorm against BatchNorm; dropout's P = 0.1.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <vector>

#include "core/core.hpp"
#include "examples/common/measure.hpp"
#include "nn/nn.hpp"

using namespace sf;
using namespace sf::nn;
using sf::examples::norm_of;

namespace {

// The mean over tokens of each token's population standard deviation across its features.
double mean_row_std(const Tensor& x) { return mean(sqrt(var(x, -1, false, 0))).item(); }

/// Returns the row [1, 2, 3, 4], which the next section normalises again.
Tensor section_one_row() {
  std::cout << "=== one-row ===\n";
  // [doc:one-row]
  Tensor x = tensor({1, 2, 3, 4});
  std::cout << "mean " << mean(x).item() << ", population variance " << var(x, 0, false, 0).item()
            << " (the unbiased one would be " << var(x, 0).item() << ")\n";
  LayerNorm norm({.normalized_shape = 4});  // γ = 1, β = 0, ε = 1e-5
  std::cout << "normalised " << norm(x).detach() << '\n';
  {
    NoGradGuard no_grad;
    norm.weight.copy_(tensor({1, 1, 2, 2}));     // γ: a scale per feature
    norm.bias.copy_(tensor({0, 0, 0.5, -0.5}));  // β: a shift per feature
  }
  std::cout << "with γ = [1, 1, 2, 2], β = [0, 0, 0.5, -0.5]: " << norm(x).detach() << '\n';
  // [doc:end]
  return x;
}

void section_variants(const Tensor& x) {
  std::cout << "=== variants ===\n";
  // [doc:variants]
  // The Annotated Transformer: a_2·(x − mean)/(std + ε) + b_2, std unbiased, ε = 1e-6.
  Tensor annotated = (x - mean(x)) / (sqrt(var(x, 0)) + 1e-6);
  // The code lecture 000 follows: ε inside the root with the population variance (1e-12 in the
  // PyTorch repository, 1e-8 in the TensorFlow one), which is our formula.
  Tensor inside = (x - mean(x)) / sqrt(var(x, 0, false, 0) + 1e-8);
  std::cout << "(x − mean)/(std_unbiased + ε): " << annotated << "\n(x − mean)/√(var + ε):        " << inside
            << '\n';
  // [doc:end]
}

void section_eps() {
  std::cout << "=== eps ===\n";
  // [doc:eps]
  // A row whose features are all equal has variance 0: without ε it is 0/0.
  Tensor flat = tensor({3, 3, 3, 3});
  std::cout << "ε = 1e-5: " << layer_norm(flat, {}, {}, 1e-5) << '\n';
  std::cout << "ε = 0: NaN " << std::isnan(layer_norm(flat, {}, {}, 0.0)[0].item()) << '\n';
  // [doc:end]
}

void section_add_norm() {
  std::cout << "=== add-norm ===\n";
  // [doc:add-norm]
  // LayerNorm(x + MHA(x)) on "I am good": identity projections, one head (chapter 6), post-LN.
  NoGradGuard no_grad;  // only looking: record no graph
  Tensor X = tensor({0.2, 0.1, 0.9, 0.4, 0.7, 0.8}, {3, 2});
  MultiHeadAttention mha({.d_model = 2, .heads = 1});
  mha.load_state_dict({{"in_proj_weight", concat({eye(2), eye(2), eye(2)}, 0)},
                       {"in_proj_bias", zeros({6})},
                       {"out_proj.weight", eye(2)},
                       {"out_proj.bias", zeros({2})}});
  LayerNorm norm1({.normalized_shape = 2});
  Dropout dropout({.p = 0.1});
  dropout.eval();  // P = 0.1 in training; off here so that the numbers can be checked
  auto self_attention = [&](const Tensor& t) { return mha(t, t, t); };
  std::cout << "MHA(x):\n" << self_attention(X) << "\nx + MHA(x):\n" << X + self_attention(X) << '\n';
  std::cout << "LayerNorm(x + MHA(x)):\n" << add_and_norm(X, self_attention, norm1, dropout, false) << '\n';
  // [doc:end]
}

void section_identity() {
  std::cout << "=== identity ===\n";
  // [doc:identity]
  // A stack of f(x) = tanh(x·Wᵀ + b) layers, 8 features, PyTorch's initial weights. The size of
  // the gradient that reaches the input, without and with the residual x + f(x).
  Generator gen(8);
  std::vector<std::unique_ptr<Linear>> layers;
  for (int l = 0; l < 30; ++l)
    layers.push_back(
        std::make_unique<Linear>(LinearConfig{.in_features = 8, .out_features = 8, .dtype = kFloat64}, gen));
  Tensor input = randn({1, 8}, gen, {.dtype = kFloat64}),
         projection = randn({1, 8}, gen, {.dtype = kFloat64});
  std::cout << "depth    plain  residual\n";
  for (int depth : {1, 5, 10, 20, 30}) {
    double size[2];
    for (bool residual : {false, true}) {
      Tensor x0 = input.clone().requires_grad_(), h = x0;
      for (int l = 0; l < depth; ++l) {
        const Tensor f = tanh((*layers[static_cast<std::size_t>(l)])(h));
        h = residual ? h + f : f;  // the residual adds the input back, every layer
      }
      sum(h * projection).backward();
      size[residual] = norm_of(x0.grad());
    }
    std::cout << std::setw(5) << depth << std::setw(9) << size[0] << std::setw(10) << size[1] << '\n';
  }
  // [doc:end]
}

void section_pre_post() {
  std::cout << "=== pre-post ===\n";
  // [doc:pre-post]
  // Six feed-forward sub-layers (d_model 16, d_ff 64) stacked with Add & Norm, post-LN and pre-LN,
  // on tokens whose features have spread 4. The spread of each token's features (mean row std)
  // after every layer, then after one final LayerNorm.
  Generator gen(9);
  std::vector<std::unique_ptr<FeedForward>> ffn;
  std::vector<std::unique_ptr<LayerNorm>> norms;
  for (int l = 0; l < 6; ++l) {
    ffn.push_back(std::make_unique<FeedForward>(
        FeedForwardConfig{.d_model = 16, .d_ff = 64, .dropout = 0.0, .dtype = kFloat64}, gen));
    norms.push_back(std::make_unique<LayerNorm>(LayerNormConfig{.normalized_shape = 16, .dtype = kFloat64}));
  }
  LayerNorm final_norm({.normalized_shape = 16, .dtype = kFloat64});
  Dropout no_dropout({.p = 0.0});
  NoGradGuard no_grad;
  const Tensor input = normal({10, 16}, 0.0, 4.0, gen, {.dtype = kFloat64});
  for (bool norm_first : {false, true}) {
    Tensor h = input;
    std::cout << (norm_first ? "pre-LN: " : "post-LN:") << " input " << mean_row_std(h) << ", layers";
    for (std::size_t l = 0; l < 6; ++l) {
      h = add_and_norm(h, *ffn[l], *norms[l], no_dropout, norm_first);
      std::cout << ' ' << mean_row_std(h);
    }
    std::cout << "; final LayerNorm " << mean_row_std(final_norm(h)) << '\n';
  }
  // [doc:end]
}

void section_layer_vs_batch() {
  std::cout << "=== layer-vs-batch ===\n";
  // [doc:layer-vs-batch]
  // Statistics over the last axis (LayerNorm: one mean per token) or over the batch and the
  // positions (BatchNorm: one mean per feature). Then sentence 1 is changed.
  Generator gen(10);
  NoGradGuard no_grad;
  Tensor x = randn({2, 3, 4}, gen);  // [B, L, d]
  auto layer_stats = [](const Tensor& t) {
    return (t - mean(t, -1, true)) / sqrt(var(t, -1, true, 0) + 1e-5);
  };
  auto batch_stats = [](const Tensor& t) {
    return (t - mean(t, {0, 1}, true)) / sqrt(var(t, {0, 1}, true, 0) + 1e-5);
  };
  std::cout << "LayerNorm statistics " << mean(x, -1, true).shape() << ", BatchNorm statistics "
            << mean(x, {0, 1}, true).shape() << '\n';
  Tensor changed = x.clone();
  changed[1].mul_(10.0);  // sentence 1 only
  auto unchanged = [](const Tensor& a, const Tensor& b) {
    return a.to_vector<double>() == b.to_vector<double>();
  };
  std::cout << "sentence 0 unchanged: LayerNorm " << unchanged(layer_stats(x)[0], layer_stats(changed)[0])
            << ", BatchNorm " << unchanged(batch_stats(x)[0], batch_stats(changed)[0]) << '\n';
  // [doc:end]
}

void section_dropout() {
  std::cout << "=== dropout ===\n";
  // [doc:dropout]
  // The paper's P = 0.1: in training about one element in ten becomes 0, the rest are divided by
  // 0.9 so that the expected value stays the same; in evaluation nothing changes.
  Generator gen(11);
  Dropout dropout({.p = 0.1}, gen);
  NoGradGuard no_grad;
  std::cout << "training: " << dropout(ones({10})) << '\n';
  dropout.eval();
  std::cout << "evaluation: " << dropout(ones({10})) << '\n';
  // [doc:end]
}

}  // namespace

int main() {
  std::cout << std::fixed << std::setprecision(4) << std::boolalpha;

  const Tensor x = section_one_row();
  section_variants(x);
  section_eps();
  section_add_norm();
  section_identity();
  section_pre_post();
  section_layer_vs_batch();
  section_dropout();
  return 0;
}
