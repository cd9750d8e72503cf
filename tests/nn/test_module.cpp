// Tests for nn/module.cpp: names, traversal, train/eval, state dicts and dtype conversion.
#include "nn/nn.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::test::check_values;

namespace {

// A small model in the shape of a Transformer layer, to exercise names and traversal.
struct Block : Module {
  MultiHeadAttention self_attn;
  FeedForward ffn;  // registered under "" so its linear1/linear2 appear at this level, as in PyTorch
  LayerNorm norm1;
  explicit Block(Generator& gen)
      : self_attn({.d_model = 8, .heads = 2}, gen),
        ffn({.d_model = 8, .d_ff = 16}, gen),
        norm1({.normalized_shape = 8}) {
    register_module("self_attn", self_attn);
    register_module("", ffn);
    register_module("norm1", norm1);
  }
};

struct Stack : Module {
  std::vector<std::unique_ptr<Block>> layers;
  explicit Stack(Generator& gen) {
    for (int i = 0; i < 2; ++i) {
      layers.push_back(std::make_unique<Block>(gen));
      register_module("layers_" + std::to_string(i), *layers.back());
    }
  }
};

}  // namespace

TEST_SUITE("ch04-linear") {
  TEST_CASE("named_parameters gives PyTorch's dotted names, flattening a module registered without a name") {
    Generator gen(0);
    Block block(gen);
    std::vector<std::string> names;
    for (const auto& [name, t] : block.named_parameters()) names.push_back(name);
    CHECK(names == std::vector<std::string>{"self_attn.in_proj_weight", "self_attn.in_proj_bias",
                                            "self_attn.out_proj.weight", "self_attn.out_proj.bias",
                                            "linear1.weight", "linear1.bias", "linear2.weight",
                                            "linear2.bias", "norm1.weight", "norm1.bias"});
    // 4·(8·8 + 8) for attention, 8·16 + 16 + 16·8 + 8 for the FFN, 2·8 for the norm
    CHECK(block.parameter_count() == 288 + 280 + 16);
    for (const Tensor& p : block.parameters()) CHECK(p.requires_grad());
  }

  TEST_CASE("train() and eval() reach every submodule") {
    Generator gen(1);
    Stack stack(gen);
    stack.eval();
    // (each module's name as a variable: clang 14 cannot capture a structured binding in the message)
    for (const auto& named : stack.named_modules()) CHECK_MESSAGE(!named.second->is_training(), named.first);
    stack.train();
    for (const auto& named : stack.named_modules()) CHECK_MESSAGE(named.second->is_training(), named.first);
    // the stack, then per block: itself, self_attn (+ out_proj, dropout), the FFN (+ linear1, dropout,
    // linear2), norm1
    CHECK(stack.named_modules().size() == 1 + 2 * 9);
  }

  TEST_CASE("zero_grad zeroes every gradient in place") {
    Generator gen(2);
    Linear lin({.in_features = 3, .out_features = 2}, gen);
    sum(lin(ones({4, 3}))).backward();
    const Tensor g = lin.weight.grad();
    lin.zero_grad();
    CHECK(lin.weight.grad().is_same(g));  // the same buffer, reused
    check_values(lin.bias.grad(), {0, 0});
  }

  TEST_CASE("a state dict round trip copies values into the live parameters") {
    Generator g1(3), g2(4);
    Block a(g1), b(g2);
    const Tensor b_weight = b.norm1.weight;
    CHECK_FALSE(sf::test::same_values(a.self_attn.in_proj_weight, b.self_attn.in_proj_weight));
    b.load_state_dict(a.state_dict());
    CHECK(sf::test::same_values(a.self_attn.in_proj_weight, b.self_attn.in_proj_weight));
    CHECK(b.norm1.weight.is_same(b_weight));  // handles held by an optimizer stay valid
    CHECK(a.state_dict().size() == 10);
  }

  TEST_CASE("load_state_dict names what does not fit, and changes nothing then") {
    Generator gen(5);
    Linear lin({.in_features = 3, .out_features = 2}, gen);
    const auto before = lin.weight.to_vector<double>();
    StateDict bad{{"weight", zeros({2, 4})}, {"extra", zeros({1})}};
    CHECK_THROWS_WITH_AS(
        lin.load_state_dict(bad),
        "load_state_dict: the state dict does not fit this model. Missing: bias. Unexpected: extra. "
        "Wrong shape: weight ([2, 4] in the state dict, [2, 3] in the model).",
        Error);
    CHECK(lin.weight.to_vector<double>() == before);
  }

  TEST_CASE("to(kFloat64) converts parameters for gradient checks") {
    Generator gen(6);
    LayerNorm norm({.normalized_shape = 4});
    norm.to(kFloat64);
    CHECK(norm.weight.dtype() == kFloat64);
    CHECK(norm.weight.requires_grad());
    CHECK(norm.parameters()[0].dtype() == kFloat64);  // the registered slot sees the new tensor
  }
}
