// ch04_linear: the Linear examples of chapter 4 (docs/04-linear.md).
//
// Lecture 002's shapes with the bias broadcast over the rows; lecture 004's 5 → 3 layer; lecture
// 003's slide weights (in × out) loaded into our out × in layout; one packed 3E × E projection
// against three E × E ones; PyTorch's initial range and why equal weights never come apart; and
// what Module gives every layer (names, state dict, train/eval).
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>

#include "core/core.hpp"
#include "examples/common/measure.hpp"
#include "nn/nn.hpp"

using namespace sf;
using namespace sf::nn;
using sf::examples::max_difference;

namespace {

// [doc:module]
// Lecture 003's SelfAttention keeps three bias-free Linear layers. As a Module it registers each
// under a name; the names compose with dots exactly as in torch.nn.
struct QueryKeyValue : Module {
  Linear to_query, to_key, to_values;
  explicit QueryKeyValue(Generator& gen)
      : to_query({.in_features = 4, .out_features = 3, .bias = false}, gen),
        to_key({.in_features = 4, .out_features = 3, .bias = false}, gen),
        to_values({.in_features = 4, .out_features = 3, .bias = false}, gen) {
    register_module("to_query", to_query);
    register_module("to_key", to_key);
    register_module("to_values", to_values);
  }
};
// [doc:end]

/// Returns X, "I am good", which later sections project again.
Tensor section_shapes() {
  std::cout << "=== shapes ===\n";
  // [doc:shapes]
  // Lecture 002: "I am good", L = 3 tokens of E = 2 features, through one E → E projection.
  Tensor X = tensor({0.2, 0.1, 0.9, 0.4, 0.7, 0.8}, {3, 2});       // [L, in]
  Tensor W = tensor({1, 2, 3, 4}, {2, 2});                         // [out, in], as PyTorch stores it
  Tensor b = tensor({10, 20});                                     // [out]: one number per output feature
  std::cout << "X·Wᵀ:\n" << matmul(X, W.transpose(0, 1)) << '\n';  // [3, 2]·[2, 2] → [3, 2]
  std::cout << "X·Wᵀ + b:\n" << linear(X, W, b) << '\n';           // b is added to every row
  // [doc:end]
  return X;
}

/// Returns the generator, which later sections go on drawing from.
Generator section_five_to_three() {
  std::cout << "=== five-to-three ===\n";
  // [doc:five-to-three]
  // Lecture 004: a position-aware embedding of 5 numbers through a layer of 3 neurons.
  Generator gen(4);
  Linear layer({.in_features = 5, .out_features = 3}, gen);
  Tensor x = tensor({1.0, -0.5, 0.25, 2.0, 0.0}, {1, 5});  // one token
  Tensor y = layer(x);                                     // [1, 5] → [1, 3]
  std::cout << "weight " << layer.weight.shape() << ", bias " << layer.bias.shape() << ", "
            << layer.parameter_count() << " parameters\n";
  std::cout << "y = " << y << '\n';
  // Neuron 0 by hand: its own 5 weights times the 5 inputs, plus its bias. No activation.
  double neuron0 = layer.bias[0].item();
  for (std::int64_t i = 0; i < 5; ++i) neuron0 += layer.weight[0][i].item() * x[0][i].item();
  std::cout << "neuron 0 by hand: " << neuron0 << '\n';
  // The sentence of lecture 004 has 7 tokens: every row goes through the same weights at once.
  std::cout << "7 tokens: " << layer(randn({7, 5}, gen)).shape() << '\n';
  // [doc:end]
  return gen;
}

void section_bridge() {
  std::cout << "=== bridge ===\n";
  // [doc:bridge]
  // Lecture 003's slides give each weight as in × out and compute x·W. Our Linear (like
  // torch.nn.Linear) stores out × in and computes x·Wᵀ, so the slide's matrix goes in transposed.
  Tensor tokens = tensor({1, 0, 1, 0, 0, 2, 0, 2, 1, 1, 1, 1}, {3, 4});   // 3 tokens × 4
  Tensor W_query = tensor({1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1}, {4, 3});  // in × out
  Linear to_query({.in_features = 4, .out_features = 3, .bias = false});
  {
    NoGradGuard no_grad;                             // loading weights is not part of the graph
    to_query.weight.copy_(W_query.transpose(0, 1));  // [3, 4] = (W_query)ᵀ
  }
  std::cout << "slide's x·W:\n"
            << matmul(tokens, W_query) << "\nLinear with Wᵀ loaded:\n"
            << to_query(tokens) << '\n';
  // [doc:end]
}

/// Returns the generator, which the next section goes on drawing from.
Generator section_packed(const Tensor& X) {
  std::cout << "=== packed ===\n";
  // [doc:packed]
  // One packed projection [3E, E] (PyTorch's in_proj_weight) against three separate [E, E] ones.
  Generator gen2(5);
  Linear in_proj({.in_features = 2, .out_features = 6}, gen2);  // E = 2: weight [6, 2], bias [6]
  const auto qkv = chunk(in_proj(X), 3, -1);                    // [3, 6] → 3 × [3, 2]: q, k, v
  const char* names[] = {"q", "k", "v"};
  for (std::int64_t i = 0; i < 3; ++i) {
    Tensor W_i = in_proj.weight.narrow(0, 2 * i, 2);  // rows 2i, 2i+1: [2, 2]
    Tensor b_i = in_proj.bias.narrow(0, 2 * i, 2);    // [2]
    std::cout << names[i] << " = rows " << 2 * i << ".." << 2 * i + 1 << " of the packed weight; "
              << "max |packed - separate| = "
              << max_difference(qkv[static_cast<std::size_t>(i)], linear(X, W_i, b_i)) << '\n';
  }
  std::cout << "in_proj weight " << in_proj.weight.shape() << ", bias " << in_proj.bias.shape() << '\n';
  // [doc:end]
  return gen2;
}

void section_bias(const Tensor& X, Generator& gen2) {
  std::cout << "=== bias ===\n";
  // [doc:bias]
  // Does the key projection need a bias? It adds q_i·b_k to every score of query i: the same
  // number for every key, and the softmax ignores a constant added to a whole row.
  Tensor W_k = randn({2, 2}, gen2), W_q = randn({2, 2}, gen2), b_q = randn({2}, gen2);
  Tensor b_k = tensor({0.5, -1.0}, {.requires_grad = true});
  Tensor Q = linear(X, W_q, b_q);
  Tensor A_without = attention_weights(Q, linear(X, W_k));
  Tensor A_with = attention_weights(Q, linear(X, W_k, b_k));
  std::cout << "weights without a key bias:\n"
            << A_without.detach() << "\nwith b_k = [0.5, -1]:\n"
            << A_with.detach() << '\n';
  sum(A_with * randn({3, 3}, gen2)).backward();  // any loss
  std::cout << "largest |∂loss/∂b_k| = "
            << std::max(std::fabs(b_k.grad()[0].item()), std::fabs(b_k.grad()[1].item())) << '\n';
  // [doc:end]
}

void section_init(Generator& gen) {
  std::cout << "=== init ===\n";
  // [doc:init]
  // PyTorch's rule for Linear: weight and bias uniform in ±1/√in_features.
  Linear wide({.in_features = 512, .out_features = 64}, gen);
  const auto w = wide.weight.to_vector<double>();
  std::cout << "bound 1/√512 = " << 1 / std::sqrt(512.0) << "; weights span ["
            << *std::min_element(w.begin(), w.end()) << ", " << *std::max_element(w.begin(), w.end())
            << "]\n";
  // [doc:end]
}

void section_symmetry(Generator& gen) {
  std::cout << "=== symmetry ===\n";
  // [doc:symmetry]
  // Two hidden neurons that start equal get equal gradients and stay equal: a 3 → 2 → 1 network
  // with every weight 0.5, trained for three steps of plain gradient descent.
  Linear hidden({.in_features = 3, .out_features = 2}, gen),
      output({.in_features = 2, .out_features = 1}, gen);
  for (Tensor* p : {&hidden.weight, &hidden.bias, &output.weight, &output.bias}) p->detach().fill_(0.5);
  Tensor inputs = randn({8, 3}, gen), targets = randn({8, 1}, gen);
  for (int step = 0; step < 3; ++step) {
    Tensor loss = mean(pow(output(tanh(hidden(inputs))) - targets, 2.0));
    hidden.zero_grad();
    output.zero_grad();
    loss.backward();
    NoGradGuard no_grad;
    for (Tensor* p : {&hidden.weight, &hidden.bias, &output.weight, &output.bias}) p->add_(p->grad(), -0.1);
  }
  std::cout << "hidden weights after 3 steps:\n" << hidden.weight.detach() << '\n';
  // [doc:end]
}

void section_module(Generator& gen) {
  std::cout << "=== module ===\n";
  // [doc:module-use]
  QueryKeyValue qkv_layers(gen);
  for (const auto& [name, p] : qkv_layers.named_parameters()) std::cout << name << ' ' << p.shape() << '\n';
  std::cout << qkv_layers.parameter_count() << " parameters; state dict keys:";
  for (const auto& [name, t] : qkv_layers.state_dict()) std::cout << ' ' << name;
  qkv_layers.eval();  // evaluation mode reaches every submodule (it matters for dropout)
  std::cout << "\nafter eval(): to_key is training = " << qkv_layers.to_key.is_training() << '\n';
  // [doc:end]
}

}  // namespace

int main() {
  std::cout << std::fixed << std::setprecision(4) << std::boolalpha;

  const Tensor X = section_shapes();
  Generator gen = section_five_to_three();
  section_bridge();
  Generator gen2 = section_packed(X);
  section_bias(X, gen2);
  section_init(gen);
  section_symmetry(gen);
  section_module(gen);
  return 0;
}
