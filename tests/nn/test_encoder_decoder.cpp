// Tests for nn/encoder.cpp and nn/decoder.cpp: names, parameter counts, gradients, post- and pre-LN.
#include "nn/nn.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

namespace {
LayerConfig tiny(bool norm_first) {
  return {.d_model = 4, .heads = 2, .d_ff = 6, .dropout = 0.0, .norm_first = norm_first, .dtype = kFloat64};
}
Inputs with_parameters(Inputs in, const Module& m) {
  for (const Tensor& p : m.parameters()) in.push_back(p);
  return in;
}

/// Runs `forward` twice from the same generator state, once per version, and checks that outputs
/// and every gradient (input and parameters) agree to the bit. `forward(fused)` returns the output.
template <class Forward>
void check_same_bits(Module& layer, Generator& gen, const Tensor& x, Forward&& forward) {
  const auto state = gen.state();
  Tensor out[2];
  std::vector<std::vector<double>> grads[2];
  for (int fused : {1, 0}) {
    gen.set_state(state);  // the same dropout masks for both
    layer.zero_grad();
    x.set_grad(Tensor());
    out[fused] = forward(fused == 1);
    sum(out[fused] * out[fused]).backward();
    grads[fused].push_back(x.grad().to_vector<double>());
    for (const Tensor& p : layer.parameters()) grads[fused].push_back(p.grad().to_vector<double>());
  }
  CHECK(sf::test::same_values(out[0], out[1]));
  CHECK(grads[0] == grads[1]);
}
}  // namespace

TEST_SUITE("ch10-encoder") {
  TEST_CASE("an encoder layer of the base model has 3,152,384 parameters; six have 18,914,304") {
    EncoderLayer layer({.d_model = 512, .heads = 8, .d_ff = 2048});
    CHECK(layer.parameter_count() == 1050624 + 2099712 + 2048);
    Encoder encoder({.layer = {.d_model = 512, .heads = 8, .d_ff = 2048}, .layers = 6});
    CHECK(encoder.parameter_count() == 18914304);
  }

  TEST_CASE("encoder parameter names are torch.nn.TransformerEncoder's") {
    Encoder encoder({.layer = tiny(false), .layers = 2, .final_norm = true});
    std::vector<std::string> names;
    for (const auto& [n, p] : encoder.named_parameters()) names.push_back(n);
    CHECK(names.front() == "layers.0.self_attn.in_proj_weight");
    CHECK(std::find(names.begin(), names.end(), "layers.1.linear2.bias") != names.end());
    CHECK(std::find(names.begin(), names.end(), "layers.1.norm2.weight") != names.end());
    CHECK(names.back() == "norm.bias");
  }

  TEST_CASE("the layers do not share weights") {
    Encoder encoder({.layer = tiny(false), .layers = 2});
    CHECK_FALSE(sf::test::same_values(encoder.layers[0].self_attn.in_proj_weight,
                                      encoder.layers[1].self_attn.in_proj_weight));
  }

  TEST_CASE("in training an encoder layer gives the bits of the plain add_and_norm chain, with gradients") {
    // EncoderLayer::forward hands the Add to the sub-layers' last linear layers (add_and_norm_fused).
    for (bool pre : {false, true}) {
      Generator gen(11);
      EncoderLayer layer({.d_model = 16, .heads = 2, .d_ff = 32, .dropout = 0.2, .norm_first = pre}, gen);
      const Tensor x = randn({3, 5, 16}, gen).requires_grad_();
      check_same_bits(layer, gen, x, [&](bool fused) {
        if (fused) return layer(x);
        auto attend = [&](const Tensor& h) { return layer.self_attn(h, h, h); };
        const Tensor y = add_and_norm(x, attend, layer.norm1, layer.dropout1, pre);
        return add_and_norm(y, layer.feed_forward, layer.norm2, layer.dropout2, pre);
      });
    }
  }

  TEST_CASE("gradcheck: EncoderLayer, post-LN and pre-LN, with a padding mask") {
    for (bool pre : {false, true}) {
      EncoderLayer layer(tiny(pre));
      const Tensor mask = padding_mask(tensor({1, 1, 0, 1, 1, 1}, {2, 3}, {.dtype = kInt64}), 0);
      CHECK_GRADCHECK([&](const Inputs& in) { return layer(in[0], mask); },
                      with_parameters({rand64({2, 3, 4}, 1)}, layer),
                      {.name = pre ? "EncoderLayer (pre-LN)" : "EncoderLayer (post-LN)"});
    }
  }
}

TEST_SUITE("ch11-decoder") {
  TEST_CASE("a decoder layer of the base model has 4,204,032 parameters; six have 25,224,192") {
    DecoderLayer layer({.d_model = 512, .heads = 8, .d_ff = 2048});
    CHECK(layer.parameter_count() == 2 * 1050624 + 2099712 + 3072);
    Decoder decoder({.layer = {.d_model = 512, .heads = 8, .d_ff = 2048}, .layers = 6});
    CHECK(decoder.parameter_count() == 25224192);
  }

  TEST_CASE("decoder layer names: self_attn, multihead_attn, linear1, linear2, norm1..3") {
    DecoderLayer layer(tiny(false));
    std::vector<std::string> names;
    for (const auto& [n, p] : layer.named_parameters()) names.push_back(n);
    for (const char* n :
         {"self_attn.in_proj_weight", "multihead_attn.out_proj.bias", "linear1.weight", "norm3.bias"})
      CHECK_MESSAGE(std::find(names.begin(), names.end(), n) != names.end(), n);
  }

  TEST_CASE("the decoder is causal: a later target token does not change earlier outputs") {
    Generator gen(2);
    DecoderLayer layer({.d_model = 8, .heads = 2, .d_ff = 16, .dropout = 0.0}, gen);
    Tensor memory = randn({1, 5, 8}, gen), x = randn({1, 4, 8}, gen);
    const Tensor before = layer.forward(x, memory, causal_mask(4));
    Tensor changed = x.clone();
    changed[0][3].fill_(5);
    const Tensor after = layer.forward(changed, memory, causal_mask(4));
    CHECK(sf::test::same_values(before[0].narrow(0, 0, 3), after[0].narrow(0, 0, 3)));
  }

  TEST_CASE("in training a decoder layer gives the bits of the plain add_and_norm chain, with gradients") {
    Generator gen(12);
    DecoderLayer layer({.d_model = 16, .heads = 2, .d_ff = 32, .dropout = 0.2}, gen);
    const Tensor x = randn({3, 5, 16}, gen).requires_grad_(), memory = randn({3, 4, 16}, gen);
    const Tensor causal = causal_mask(5);
    check_same_bits(layer, gen, x, [&](bool fused) {
      if (fused) return layer(x, memory, causal);
      auto look_back = [&](const Tensor& h) { return layer.self_attn(h, h, h, causal); };
      auto look_at_source = [&](const Tensor& h) { return layer.multihead_attn(h, memory, memory); };
      Tensor y = add_and_norm(x, look_back, layer.norm1, layer.dropout1, false);
      y = add_and_norm(y, look_at_source, layer.norm2, layer.dropout2, false);
      return add_and_norm(y, layer.feed_forward, layer.norm3, layer.dropout3, false);
    });
  }

  TEST_CASE("gradcheck: DecoderLayer with respect to the target, the memory and every parameter") {
    for (bool pre : {false, true}) {
      DecoderLayer layer(tiny(pre));
      const Tensor memory_mask = padding_mask(tensor({1, 1, 1, 0, 1, 1, 1, 1}, {2, 4}, {.dtype = kInt64}), 0);
      CHECK_GRADCHECK(
          [&](const Inputs& in) { return layer.forward(in[0], in[1], causal_mask(3), memory_mask); },
          with_parameters({rand64({2, 3, 4}, 3), rand64({2, 4, 4}, 4)}, layer),
          {.name = pre ? "DecoderLayer (pre-LN)" : "DecoderLayer (post-LN)"});
    }
  }
}
