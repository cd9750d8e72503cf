// ch10_encoder: the encoder examples of chapter 10 (docs/10-encoder.md).
//
// One tiny encoder layer end to end on "Je suis étudiant", with the shape after every sub-layer;
// the base model's parameters (per layer and for the stack of six) under PyTorch's names; a stack
// whose layers share a structure but not their weights, and in which only layer 1 sees the
// embeddings; the source padding mask; post-LN against pre-LN and the final LayerNorm; what a layer
// costs; and the gradient that reaches each layer of the stack.
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "examples/common/measure.hpp"
#include "nn/nn.hpp"

using namespace sf;
using namespace sf::nn;
using sf::examples::max_difference;
using sf::examples::norm_of;

namespace {

// The mean over tokens of each token's population standard deviation across its features.
double mean_row_std(const Tensor& x) { return mean(sqrt(var(x, -1, false, 0))).item(); }

void section_layer() {
  std::cout << "=== layer ===\n";
  // [doc:layer]
  // "Je suis étudiant": 3 token ids → embeddings·√d_model + PE → one encoder layer.
  // d_model = 4, 2 heads, d_ff = 8, no dropout, post-LN (the paper's arrangement).
  Generator gen(10);
  Embedding embedding({.num_embeddings = 5, .embedding_dim = 4}, gen);
  PositionalEncoding positional({.d_model = 4, .dropout = 0.0});
  EncoderLayer layer({.d_model = 4, .heads = 2, .d_ff = 8, .dropout = 0.0}, gen);
  NoGradGuard no_grad;
  Tensor ids = tensor({2, 3, 4}, {1, 3}, {.dtype = kInt64});  // [B, S] = [1, 3]
  Tensor x = positional(embedding(ids));                      // [1, 3, 4]
  // The layer's two sub-layers, written out with its own modules:
  Tensor a = layer.self_attn(x, x, x);                  // [1, 3, 4]: every token looks at every token
  Tensor y = layer.norm1(x + a);                        // [1, 3, 4]: Add & Norm
  Tensor hidden = relu(layer.feed_forward.linear1(y));  // [1, 3, 8]: d_ff wide
  Tensor f = layer.feed_forward.linear2(hidden);        // [1, 3, 4]: each token on its own
  Tensor z = layer.norm2(y + f);                        // [1, 3, 4]: Add & Norm
  std::cout << "x = embedding·√d + PE " << x.shape() << ":\n" << x << '\n';
  std::cout << "self-attention " << a.shape() << ":\n" << a << '\n';
  std::cout << "norm1(x + attention) " << y.shape() << ":\n" << y << '\n';
  std::cout << "feed-forward: hidden " << hidden.shape() << ", out " << f.shape() << '\n';
  std::cout << "norm2(y + feed-forward) " << z.shape() << ":\n" << z << '\n';
  std::cout << "the layer in one call gives the same: max |difference| = " << max_difference(z, layer(x))
            << '\n';
  std::cout << "each row of the output: std " << sqrt(var(z, -1, false, 0)) << ", largest |mean| "
            << max_difference(mean(z, -1), zeros({1, 3})) << '\n';
  // [doc:end]
}

void section_parameters() {
  std::cout << "=== parameters ===\n";
  // [doc:parameters]
  // The base model (paper §3): d_model = 512, 8 heads, d_ff = 2048, 6 layers.
  Generator gen(11);
  EncoderLayer layer({.d_model = 512, .heads = 8, .d_ff = 2048}, gen);
  for (const auto& [name, p] : layer.named_parameters()) std::cout << name << ' ' << p.shape() << '\n';
  std::cout << "one layer: " << layer.self_attn.parameter_count() << " + "
            << layer.feed_forward.parameter_count() << " + "
            << layer.norm1.parameter_count() + layer.norm2.parameter_count() << " = "
            << layer.parameter_count() << '\n';
  Encoder encoder({.layer = {.d_model = 512, .heads = 8, .d_ff = 2048}, .layers = 6}, gen);
  std::int64_t matrices = 0;
  for (const auto& [name, p] : encoder.named_parameters()) matrices += p.dim() == 2;
  std::cout << "six layers: " << encoder.parameter_count() << " parameters, " << matrices
            << " stored matrices, first name " << encoder.named_parameters().front().first << '\n';
  // [doc:end]
}

void section_stack() {
  std::cout << "=== stack ===\n";
  // [doc:stack]
  // A stack of 6 small layers (d_model 8, 2 heads, d_ff 16) on 3 tokens.
  Generator gen(12);
  Encoder encoder({.layer = {.d_model = 8, .heads = 2, .d_ff = 16, .dropout = 0.0}, .layers = 6}, gen);
  NoGradGuard no_grad;
  // Same structure: every layer has the same names and shapes. Separate weights: different values.
  auto layout = [](const EncoderLayer& layer) {
    std::vector<std::pair<std::string, Shape>> out;
    for (const auto& [name, p] : layer.named_parameters()) out.emplace_back(name, p.shape());
    return out;
  };
  const Tensor& w0 = encoder.layers[0].feed_forward.linear1.weight;
  const Tensor& w1 = encoder.layers[1].feed_forward.linear1.weight;
  std::cout << "layers 1 and 2: the same " << layout(encoder.layers[0]).size() << " names and shapes "
            << (layout(encoder.layers[0]) == layout(encoder.layers[1])) << "; linear1.weight the same tensor "
            << w0.is_same(w1) << ", max |difference| " << max_difference(w0, w1) << '\n';
  // Only layer 1 sees the input; layer n+1 reads layer n's output.
  Tensor x = randn({1, 3, 8}, gen);  // stands in for the embeddings
  Tensor h = x;
  std::cout << "how far each layer moves the tokens (mean distance from the layer's input):";
  for (const auto& layer : encoder.layers) {
    Tensor next = (*layer)(h);
    std::cout << ' ' << mean(sqrt(sum((next - h) * (next - h), -1))).item();
    h = next;
  }
  std::cout << '\n';
  std::cout << "the stack in one call gives the same: max |difference| = " << max_difference(h, encoder(x))
            << '\n';
  // The misreading "the input goes to every encoder": layer 6 applied to x itself.
  std::cout << "layer 6 on the embeddings instead: max |difference| = "
            << max_difference(encoder.layers[5](x), encoder(x)) << '\n';
  // [doc:end]
}

void section_padding() {
  std::cout << "=== padding ===\n";
  // [doc:padding]
  // Two source sentences of 3 and 5 tokens, padded with id 0 to 5.
  Generator gen(13);
  Embedding embedding({.num_embeddings = 10, .embedding_dim = 8}, gen);
  PositionalEncoding positional({.d_model = 8, .dropout = 0.0});
  Encoder encoder({.layer = {.d_model = 8, .heads = 2, .d_ff = 16, .dropout = 0.0}, .layers = 2}, gen);
  NoGradGuard no_grad;
  Tensor batch = tensor({4, 7, 2, 0, 0, 5, 3, 9, 8, 6}, {2, 5}, {.dtype = kInt64});
  Tensor mask = padding_mask(batch, 0);  // [2, 1, 1, 5], true at the padding
  std::cout << "mask " << mask.shape() << ", sentence 0: " << mask[0][0][0] << '\n';
  Tensor padded = encoder(positional(embedding(batch)), mask);  // [2, 5, 8]
  Tensor alone =
      encoder(positional(embedding(batch.narrow(1, 0, 3).narrow(0, 0, 1))));  // [1, 3, 8], no padding
  Tensor unmasked = encoder(positional(embedding(batch)));
  std::cout << "sentence 0's 3 real tokens, padded and masked vs alone: max |difference| = "
            << max_difference(padded[0].narrow(0, 0, 3), alone[0]) << '\n';
  std::cout << "the same without the mask: max |difference| = "
            << max_difference(unmasked[0].narrow(0, 0, 3), alone[0]) << '\n';
  // [doc:end]
}

void section_pre_ln() {
  std::cout << "=== pre-ln ===\n";
  // [doc:pre-ln]
  // The same 6-layer stack, post-LN and pre-LN (LayerConfig::norm_first), on inputs whose
  // features have a spread of about 4: the spread of each layer's output.
  for (bool norm_first : {false, true}) {
    Generator gen(14);
    Encoder encoder(
        {.layer = {.d_model = 8, .heads = 2, .d_ff = 16, .dropout = 0.0, .norm_first = norm_first},
         .layers = 6,
         .final_norm = true},
        gen);
    NoGradGuard no_grad;
    Tensor h = normal({1, 10, 8}, 0.0, 4.0, gen);
    std::cout << (norm_first ? "pre-LN: " : "post-LN:") << " input " << mean_row_std(h) << ", layers";
    for (const auto& layer : encoder.layers) {
      h = (*layer)(h);
      std::cout << ' ' << mean_row_std(h);
    }
    std::cout << "; final norm " << mean_row_std((*encoder.norm)(h)) << '\n';
  }
  Encoder with_norm({.layer = {.d_model = 8, .heads = 2, .d_ff = 16}, .layers = 6, .final_norm = true});
  const auto names = with_norm.named_parameters();
  std::cout << "with final_norm the last names are " << names[names.size() - 2].first << ", "
            << names.back().first << '\n';
  // [doc:end]
}

void section_cost() {
  std::cout << "=== cost ===\n";
  // [doc:cost]
  // Multiply-adds of one base encoder layer for a source of S tokens (d = 512, d_ff = 2048).
  const std::int64_t d = 512, d_ff = 2048;
  for (std::int64_t S : {10, 100, 1000}) {
    const std::int64_t projections = 4 * S * d * d;  // Q, K, V and W^O: [S, d]·[d, d], four times
    const std::int64_t attention = 2 * S * S * d;    // scores and A·V over all heads
    const std::int64_t ffn = 2 * S * d * d_ff;       // [S, d]·[d, d_ff] and back
    const std::int64_t total = projections + attention + ffn;
    std::cout << "S = " << std::setw(4) << S << ": projections " << projections << ", attention " << attention
              << ", feed-forward " << ffn << "; attention's share "
              << 100.0 * static_cast<double>(attention) / static_cast<double>(total) << " %\n";
  }
  // [doc:end]
}

void section_backward() {
  std::cout << "=== backward ===\n";
  // [doc:backward]
  // The size of the gradient that reaches the input of each layer of a 6-layer stack, for a
  // loss that projects the stack's output through a fixed random tensor.
  for (bool norm_first : {false, true}) {
    Generator gen(15);
    Encoder encoder({.layer = {.d_model = 8,
                               .heads = 2,
                               .d_ff = 16,
                               .dropout = 0.0,
                               .norm_first = norm_first,
                               .dtype = kFloat64},
                     .layers = 6,
                     .final_norm = norm_first},
                    gen);
    Tensor x = randn({2, 5, 8}, gen, {.dtype = kFloat64}).requires_grad_();
    Tensor projection = randn({2, 5, 8}, gen, {.dtype = kFloat64});
    std::vector<Tensor> inputs;  // the input of layer 1, 2, ..., 6
    Tensor h = x;
    for (const auto& layer : encoder.layers) {
      h.retain_grad();  // keep this intermediate gradient after backward
      inputs.push_back(h);
      h = (*layer)(h);
    }
    if (encoder.norm) h = (*encoder.norm)(h);
    sum(h * projection).backward();
    std::cout << (norm_first ? "pre-LN: " : "post-LN:") << " |dL/d input| of layers 6 → 1:";
    for (std::size_t l = inputs.size(); l-- > 0;) std::cout << ' ' << norm_of(inputs[l].grad());
    std::cout << '\n';
  }
  // The gradient check of one layer with a padding mask, post-LN and pre-LN (as the tests do).
  for (bool norm_first : {false, true}) {
    Generator gen(16);
    EncoderLayer layer(
        {.d_model = 4, .heads = 2, .d_ff = 6, .dropout = 0.0, .norm_first = norm_first, .dtype = kFloat64},
        gen);
    const Tensor mask = padding_mask(tensor({1, 1, 0, 1, 1, 1}, {2, 3}, {.dtype = kInt64}), 0);
    std::vector<Tensor> inputs = {randn({2, 3, 4}, gen, {.dtype = kFloat64}).requires_grad_()};
    for (const Tensor& p : layer.parameters()) inputs.push_back(p);
    const auto result = gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0], mask); }, inputs,
                                  {.name = "EncoderLayer"});
    std::cout << (norm_first ? "pre-LN" : "post-LN") << " gradcheck over the input and " << inputs.size() - 1
              << " parameters: " << (result.passed ? "passed" : "FAILED") << '\n';
  }
  // [doc:end]
}

}  // namespace

int main() {
  std::cout << std::fixed << std::setprecision(4) << std::boolalpha;

  section_layer();
  section_parameters();
  section_stack();
  section_padding();
  section_pre_ln();
  section_cost();
  section_backward();
  return 0;
}
