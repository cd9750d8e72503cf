// Tests for PyTorch's calls: MultiheadAttention (nn/multi_head_attention.hpp), combine_masks
// (core/ops/attention.cpp) and TransformerCore (nn/transformer_core.hpp). Each fixture test is a port of
// one program of tests/fixtures/make_torch_api_fixture.py, line for line (the Python line above its
// C++), compared with PyTorch's numbers to float64 round-off.
#include <limits>

#include "fixture.hpp"
#include "nn/nn.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

namespace {

using Fixture = std::map<std::string, Tensor>;

const Fixture& fixture() {
  static const Fixture fx = sf::test::load_fixture(SF_SOURCE_DIR "/tests/fixtures/torch_api.txt");
  return fx;
}

/// One case's tensors, by the names the Python script gives them.
struct Case {
  std::string name;
  Tensor operator[](const std::string& key) const { return fixture().at(name + "." + key); }
  /// A mask as PyTorch had it: bool, or float with its -inf (written as hidden + finite).
  Tensor mask(const std::string& key) const {
    if (fixture().count(name + "." + key + ".bool")) return (*this)[key + ".bool"].to(kBool);
    return masked_fill((*this)[key + ".finite"], (*this)[key + ".hidden"].to(kBool),
                       -std::numeric_limits<double>::infinity());
  }
  /// The module's parameters, under PyTorch's names (a strict load: every name must match).
  StateDict parameters() const {
    StateDict out;
    const std::string prefix = name + ".param.";
    for (const auto& [key, t] : fixture())
      if (key.rfind(prefix, 0) == 0) out[key.substr(prefix.size())] = t;
    return out;
  }
  /// Every parameter's gradient equals PyTorch's.
  void check_gradients(const Module& m) const {
    for (const auto& named : m.named_parameters()) {  // not a structured binding: INFO's lambda (clang 14)
      const std::string& param = named.first;
      const Tensor& p = named.second;
      INFO("gradient of ", param);
      check_values(p.grad(), (*this)["grad." + param].to_vector<double>(), 1e-12);
    }
  }
};

void check_same(const Tensor& ours, const Tensor& torch) {
  CHECK(ours.shape() == torch.shape());
  check_values(ours, torch.to_vector<double>(), 1e-12);
}

const double kInf = std::numeric_limits<double>::infinity();

}  // namespace

TEST_SUITE("ch06-multi-head-attention") {
  TEST_CASE(
      "PyTorch port: self-attention, [L, B, E], bool attn_mask and key_padding_mask, averaged weights") {
    const Case fx{"mha_bool"};
    // [doc:torch-mha-port]
    // mha = nn.MultiheadAttention(4, 2, dtype=torch.float64)
    MultiheadAttention mha(4, 2, {.dtype = kFloat64});
    mha.load_state_dict(fx.parameters());
    // x = torch.randn(5, 2, 4, dtype=torch.float64, requires_grad=True)  # [L, B, E]
    Tensor x = fx["x"].requires_grad_();
    const Tensor attn_mask = fx.mask("attn_mask"), key_padding_mask = fx.mask("key_padding_mask");
    // out, w = mha(x, x, x, key_padding_mask=key_padding_mask, attn_mask=attn_mask)
    auto [out, w] = mha(x, x, x, key_padding_mask, /*need_weights=*/true, attn_mask);
    // (out * projection).sum().backward()
    sum(out * fx["projection"]).backward();
    // [doc:end]
    check_same(out, fx["out"]);
    check_same(w, fx["weights"]);  // [B, Lq, Lk]
    check_same(x.grad(), fx["grad_x"]);
    fx.check_gradients(mha);
  }

  TEST_CASE("PyTorch port: cross-attention, batch_first, float attn_mask per head, weights per head") {
    const Case fx{"mha_float"};
    // mha = nn.MultiheadAttention(6, 3, batch_first=True, dtype=torch.float64)
    MultiheadAttention mha(6, 3, {.batch_first = true, .dtype = kFloat64});
    mha.load_state_dict(fx.parameters());
    Tensor query = fx["query"].requires_grad_(), memory = fx["memory"].requires_grad_();
    // out, w = mha(query, memory, memory, key_padding_mask=key_padding_mask, attn_mask=attn_mask,
    //              average_attn_weights=False)
    auto [out, w] =
        mha(query, memory, memory, fx.mask("key_padding_mask"), true, fx.mask("attn_mask"), false);
    sum(out * fx["projection"]).backward();
    check_same(out, fx["out"]);
    check_same(w, fx["weights"]);  // [B, heads, Lq, Lk]
    check_same(query.grad(), fx["grad_query"]);
    check_same(memory.grad(), fx["grad_memory"]);
    fx.check_gradients(mha);
  }

  TEST_CASE("PyTorch port: float key_padding_mask (0 / -inf) with a bool causal attn_mask") {
    const Case fx{"mha_float_padding"};
    MultiheadAttention mha(4, 2, {.batch_first = true, .dtype = kFloat64});
    mha.load_state_dict(fx.parameters());
    Tensor x = fx["x"].requires_grad_();
    // attn_mask = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
    const Tensor attn_mask = causal_mask(4);
    CHECK(sf::test::same_values(attn_mask, fx.mask("attn_mask")));
    auto [out, w] = mha(x, x, x, fx.mask("key_padding_mask"), true, attn_mask);
    sum(out * fx["projection"]).backward();
    check_same(out, fx["out"]);
    check_same(w, fx["weights"]);
    check_same(x.grad(), fx["grad_x"]);
    fx.check_gradients(mha);
  }

  TEST_CASE("PyTorch's call and ours give the same numbers; need_weights = false returns no weights") {
    Generator gen(11);
    MultiheadAttention mha(8, 2, {.batch_first = true}, gen);
    const Tensor x = randn({2, 4, 8}, gen);
    const Tensor padding = tensor({0, 0, 0, 1, 0, 0, 1, 1}, {2, 4}).to(kBool);
    auto [out, w] = mha(x, x, x, padding, true, causal_mask(4), false);
    Tensor our_weights;  // ours: one combined mask, broadcast to [B, heads, Lq, Lk]
    const Tensor ours = mha.MultiHeadAttention::forward(
        x, x, x, logical_or(causal_mask(4), padding_mask(padding, 1)), &our_weights);
    CHECK(sf::test::same_values(out, ours));
    CHECK(sf::test::same_values(w, our_weights));
    // The same mask as floats (0 / -inf) gives the same numbers through the plain path.
    auto [out_float, w_float] = mha(x, x, x, masked_fill(zeros({2, 4}), padding, -kInf), true,
                                    TransformerCore::generate_square_subsequent_mask(4), false);
    check_values(out_float, out.to_vector<double>(), 1e-6);
    check_values(w_float, w.to_vector<double>(), 1e-6);
    auto [no_weights_out, none] = mha(x, x, x, padding, /*need_weights=*/false);
    CHECK_FALSE(none.defined());
  }

  TEST_CASE("MultiheadAttention: unbatched [L, E] with key_padding_mask [Lk] is a batch of one") {
    Generator gen(12);
    MultiheadAttention mha(4, 2, {}, gen);
    const Tensor x = randn({3, 4}, gen), padding = tensor({0, 0, 1}).to(kBool);
    auto [out, w] = mha(x, x, x, padding);
    auto [batched, batched_w] =
        mha(x.unsqueeze(1), x.unsqueeze(1), x.unsqueeze(1), padding.unsqueeze(0));  // [L, 1, E]
    CHECK(out.shape() == Shape{3, 4});
    CHECK(w.shape() == Shape{3, 3});
    check_values(out, batched.squeeze(1).to_vector<double>(), 1e-6);
    check_values(w, batched_w.squeeze(0).to_vector<double>(), 1e-6);
  }

  TEST_CASE("a query that may see no key: zero weights and no NaN here, NaN in PyTorch 1.13") {
    // [doc:fully-masked-row]
    Generator gen(13);
    MultiheadAttention mha(4, 2, {.batch_first = true}, gen);
    const Tensor x = randn({1, 3, 4}, gen);
    const Tensor attn_mask = tensor({1, 1, 1, 0, 1, 1, 0, 0, 1}, {3, 3}).to(kBool);  // query 0 sees nothing
    auto [out, w] = mha(x, x, x, {}, true, attn_mask);
    check_values(w[0][0], {0, 0, 0});  // PyTorch 1.13: NaN weights
    // The row's attention output is 0, so `out` there is out_proj's bias: finite (PyTorch 1.13: NaN).
    check_values(out[0][0], mha.out_proj.bias.to_vector<double>(), 1e-6);
    // [doc:end]
    CHECK(Case{"fully_masked"}["row0_is_nan"].item() == 1.0);  // what the script saw PyTorch do
    CHECK(Case{"fully_masked"}["row1_is_nan"].item() == 0.0);
    for (const double v : w.to_vector<double>()) CHECK_FALSE(std::isnan(v));
  }

  TEST_CASE("gradcheck: float masks are added to the scores, differentiable in the masks too") {
    const Tensor q = rand64({2, 2, 3, 4}, 21), k = rand64({2, 2, 5, 4}, 22), bias = rand64({2, 1, 3, 5}, 23);
    CHECK_GRADCHECK([](const Inputs& x) { return attention_weights_fused(x[0], x[1], x[2]); }, {q, k, bias},
                    {.name = "attention_weights_fused (float mask)"});
    CHECK_GRADCHECK([](const Inputs& x) { return attention_weights(x[0], x[1], x[2]); }, {q, k, bias},
                    {.name = "attention_weights (float mask)"});
    // Through PyTorch's call: both masks float, combined by addition.
    MultiheadAttention mha(4, 2, {.batch_first = true, .dtype = kFloat64});
    Inputs in{rand64({2, 3, 4}, 24), rand64({2, 5, 4}, 25), rand64({4, 3, 5}, 26), rand64({2, 5}, 27)};
    for (const Tensor& p : mha.parameters()) in.push_back(p);
    CHECK_GRADCHECK([&](const Inputs& x) { return mha(x[0], x[1], x[1], x[3], false, x[2]).first; }, in,
                    {.name = "MultiheadAttention (float attn_mask and key_padding_mask)"});
  }

  TEST_CASE("the fused and plain weights agree for float masks, -inf included") {
    const Tensor q = rand64({2, 3, 4}, 31), k = rand64({2, 5, 4}, 32);
    const Tensor mask = masked_fill(rand64({3, 5}, 33), causal_mask(5).narrow(0, 0, 3), -kInf);
    check_values(attention_weights_fused(q, k, mask), attention_weights(q, k, mask).to_vector<double>(),
                 1e-14);
  }

  TEST_CASE("bad masks: errors name the argument, its shape or dtype, and what is allowed") {
    MultiheadAttention mha(4, 2, {.batch_first = true});
    const Tensor q = zeros({2, 3, 4}), kv = zeros({2, 5, 4});
    CHECK_THROWS_WITH_AS(
        mha(q, kv, kv, {}, true, zeros({5, 3})),
        "MultiheadAttention: attn_mask of shape [5, 3] fits neither [3, 5] ([Lq, Lk]) nor [4, 3, 5] "
        "([B·heads, Lq, Lk])",
        ShapeError);
    CHECK_THROWS_WITH_AS(
        mha(q, kv, kv, {}, true, zeros({2, 3, 5})),
        "MultiheadAttention: attn_mask of shape [2, 3, 5] fits neither [3, 5] ([Lq, Lk]) nor [4, 3, "
        "5] ([B·heads, Lq, Lk])",
        ShapeError);
    CHECK_THROWS_WITH_AS(mha(q, kv, kv, zeros({2, 3}).to(kBool)),
                         "MultiheadAttention: key_padding_mask of shape [2, 3] is not [2, 5] ([B, Lk])",
                         ShapeError);
    CHECK_THROWS_WITH_AS(
        mha(q, kv, kv, zeros({2, 5}, {.dtype = kInt64})),
        "MultiheadAttention: key_padding_mask of dtype int64 is neither bool (true = hidden) nor "
        "float (added to the scores)",
        TypeError);
    CHECK_THROWS_WITH_AS(
        mha(q, kv, kv, {}, true, zeros({3, 5}, {.dtype = kInt64})),
        "MultiheadAttention: attn_mask of dtype int64 is neither bool (true = hidden) nor float "
        "(added to the scores)",
        TypeError);
    CHECK_THROWS_WITH_AS(
        mha(zeros({2, 3, 4, 1}), kv, kv),
        "MultiheadAttention: expected query [B, Lq, E], [Lq, B, E] or [Lq, E], got [2, 3, 4, 1]", ShapeError);
  }
}

TEST_SUITE("ch11-decoder") {
  TEST_CASE("PyTorch port: nn.Transformer post-LN, [L, B, E], six bool masks, forward and backward") {
    const Case fx{"transformer_post_ln"};
    // [doc:torch-transformer-port]
    // model = nn.Transformer(d_model=E, nhead=H, num_encoder_layers=2, num_decoder_layers=2,
    // dim_feedforward=16,
    //                        dropout=0.0, activation="relu", batch_first=False, norm_first=False,
    //                        dtype=torch.float64)
    TransformerCore model({.d_model = 8,
                           .nhead = 2,
                           .num_encoder_layers = 2,
                           .num_decoder_layers = 2,
                           .dim_feedforward = 16,
                           .dropout = 0.0,
                           .activation = Activation::ReLU,
                           .batch_first = false,
                           .norm_first = false,
                           .dtype = kFloat64});
    model.load_state_dict(fx.parameters());
    Tensor src = fx["src"].requires_grad_(), tgt = fx["tgt"].requires_grad_();
    // out = model(src, tgt, src_mask=src_mask, tgt_mask=tgt_mask, memory_mask=memory_mask,
    //             src_key_padding_mask=src_key_padding_mask, tgt_key_padding_mask=tgt_key_padding_mask,
    //             memory_key_padding_mask=memory_key_padding_mask)
    Tensor out = model(src, tgt, fx.mask("src_mask"), fx.mask("tgt_mask"), fx.mask("memory_mask"),
                       fx.mask("src_key_padding_mask"), fx.mask("tgt_key_padding_mask"),
                       fx.mask("memory_key_padding_mask"));
    // (out * projection).sum().backward()
    sum(out * fx["projection"]).backward();
    // [doc:end]
    check_same(out, fx["out"]);  // [T, B, E]
    check_same(src.grad(), fx["grad_src"]);
    check_same(tgt.grad(), fx["grad_tgt"]);
    fx.check_gradients(model);
  }

  TEST_CASE("PyTorch port: nn.Transformer pre-LN, batch_first, GELU, float masks, forward and backward") {
    const Case fx{"transformer_pre_ln"};
    TransformerCore model({.d_model = 8,
                           .nhead = 2,
                           .num_encoder_layers = 2,
                           .num_decoder_layers = 2,
                           .dim_feedforward = 16,
                           .dropout = 0.0,
                           .activation = Activation::GELU,
                           .batch_first = true,
                           .norm_first = true,
                           .dtype = kFloat64});
    model.load_state_dict(fx.parameters());
    Tensor src = fx["src"].requires_grad_(), tgt = fx["tgt"].requires_grad_();
    // tgt_mask = nn.Transformer.generate_square_subsequent_mask(T).to(torch.float64)
    const Tensor tgt_mask = TransformerCore::generate_square_subsequent_mask(4, kFloat64);
    CHECK(sf::test::same_values(tgt_mask, fx.mask("tgt_mask")));
    Tensor out = model(src, tgt, fx.mask("src_mask"), tgt_mask, fx.mask("memory_mask"),
                       fx.mask("src_key_padding_mask"), fx.mask("tgt_key_padding_mask"),
                       fx.mask("memory_key_padding_mask"));
    sum(out * fx["projection"]).backward();
    check_same(out, fx["out"]);  // [B, T, E]
    check_same(src.grad(), fx["grad_src"]);
    check_same(tgt.grad(), fx["grad_tgt"]);
    fx.check_gradients(model);
  }

  TEST_CASE("generate_square_subsequent_mask: 0 on and below the diagonal, -inf above") {
    const Tensor m = TransformerCore::generate_square_subsequent_mask(3);
    CHECK(m.dtype() == kFloat32);
    CHECK(m.to_vector<double>() == std::vector<double>{0, -kInf, -kInf, 0, 0, -kInf, 0, 0, 0});
  }

  TEST_CASE("TransformerCore has torch's names: encoder.*, decoder.*, with the final norms") {
    TransformerCore model(
        {.d_model = 8, .nhead = 2, .num_encoder_layers = 1, .num_decoder_layers = 1, .dim_feedforward = 16});
    const StateDict names = model.state_dict();
    CHECK(names.size() == 12 + 2 + 18 + 2);
    CHECK(names.count("encoder.norm.weight"));
    CHECK(names.count("decoder.norm.bias"));
    CHECK(names.count("decoder.layers.0.multihead_attn.in_proj_weight"));
  }

  TEST_CASE("the translation model keeps its checkpoint names around TransformerCore") {
    // The names before the core existed (a saved run's checkpoint), without and with final_norm.
    const std::vector<std::string> expected = {
        "decoder.layers.0.linear1.bias",
        "decoder.layers.0.linear1.weight",
        "decoder.layers.0.linear2.bias",
        "decoder.layers.0.linear2.weight",
        "decoder.layers.0.multihead_attn.in_proj_bias",
        "decoder.layers.0.multihead_attn.in_proj_weight",
        "decoder.layers.0.multihead_attn.out_proj.bias",
        "decoder.layers.0.multihead_attn.out_proj.weight",
        "decoder.layers.0.norm1.bias",
        "decoder.layers.0.norm1.weight",
        "decoder.layers.0.norm2.bias",
        "decoder.layers.0.norm2.weight",
        "decoder.layers.0.norm3.bias",
        "decoder.layers.0.norm3.weight",
        "decoder.layers.0.self_attn.in_proj_bias",
        "decoder.layers.0.self_attn.in_proj_weight",
        "decoder.layers.0.self_attn.out_proj.bias",
        "decoder.layers.0.self_attn.out_proj.weight",
        "encoder.layers.0.linear1.bias",
        "encoder.layers.0.linear1.weight",
        "encoder.layers.0.linear2.bias",
        "encoder.layers.0.linear2.weight",
        "encoder.layers.0.norm1.bias",
        "encoder.layers.0.norm1.weight",
        "encoder.layers.0.norm2.bias",
        "encoder.layers.0.norm2.weight",
        "encoder.layers.0.self_attn.in_proj_bias",
        "encoder.layers.0.self_attn.in_proj_weight",
        "encoder.layers.0.self_attn.out_proj.bias",
        "encoder.layers.0.self_attn.out_proj.weight",
        "output_projection.bias",
        "source_embedding.weight",
        "target_embedding.weight",
    };
    for (const bool final_norm : {false, true}) {
      TransformerConfig c = TransformerConfig::small(7, 9);
      c.encoder_layers = c.decoder_layers = 1;
      c.final_norm = final_norm;
      std::vector<std::string> names;
      for (const auto& [name, t] : Transformer(c).state_dict()) names.push_back(name);
      std::vector<std::string> want = expected;
      if (final_norm)
        want.insert(want.end(),
                    {"decoder.norm.bias", "decoder.norm.weight", "encoder.norm.bias", "encoder.norm.weight"});
      std::sort(want.begin(), want.end());
      CHECK(names == want);
    }
  }

  TEST_CASE("the translation model's logits equal TransformerCore's on its embedded inputs") {
    Generator gen(41);
    TransformerConfig c = TransformerConfig::small(10, 12);
    c.layer.dropout = 0.0;
    Transformer model(c, gen);
    const Tensor source = tensor({3, 4, 5, 0, 6, 7, 8, 9}, {2, 4}).to(kInt64);
    const Tensor target = tensor({1, 2, 0, 1, 5, 6}, {2, 3}).to(kInt64);
    const Tensor hidden = model.core(model.positional(model.source_embedding(source)),
                                     model.positional(model.target_embedding(target)), {},
                                     TransformerCore::generate_square_subsequent_mask(3), {}, eq(source, 0.0),
                                     eq(target, 0.0), eq(source, 0.0));
    check_values(model(source, target), model.output_projection(hidden).to_vector<double>(), 1e-5);
  }

  TEST_CASE(
      "gradcheck: TransformerCore with float masks, with respect to src, tgt, a mask and every parameter") {
    TransformerCore model({.d_model = 4,
                           .nhead = 2,
                           .num_encoder_layers = 1,
                           .num_decoder_layers = 1,
                           .dim_feedforward = 6,
                           .dropout = 0.0,
                           .batch_first = true,
                           .dtype = kFloat64});
    const Tensor padding = tensor({0, 0, 1, 0, 0, 0}, {2, 3}).to(kBool);
    Inputs in{rand64({2, 3, 4}, 51), rand64({2, 2, 4}, 52), rand64({2, 3}, 53)};
    for (const Tensor& p : model.parameters()) in.push_back(p);
    CHECK_GRADCHECK(
        [&](const Inputs& x) {
          return model(x[0], x[1], {}, TransformerCore::generate_square_subsequent_mask(2, kFloat64), x[2],
                       padding, {}, padding);
        },
        in, {.name = "TransformerCore (float masks)"});
  }

  TEST_CASE("TransformerCore errors name the argument, its shape and the shapes allowed") {
    TransformerCore model({.d_model = 8,
                           .nhead = 2,
                           .num_encoder_layers = 1,
                           .num_decoder_layers = 1,
                           .dim_feedforward = 16,
                           .dropout = 0.0});  // batch_first = false: [L, B, E]
    const Tensor src = zeros({5, 2, 8}), tgt = zeros({4, 2, 8});
    CHECK_THROWS_WITH_AS(
        model(src, tgt, {}, causal_mask(5)),
        "TransformerCore: tgt_mask of shape [5, 5] fits neither [4, 4] ([Lq, Lk]) nor [4, 4, 4] "
        "([B·heads, Lq, Lk])",
        ShapeError);
    CHECK_THROWS_WITH_AS(
        model(src, tgt, {}, {}, zeros({5, 4})),
        "TransformerCore: memory_mask of shape [5, 4] fits neither [4, 5] ([Lq, Lk]) nor [4, 4, 5] "
        "([B·heads, Lq, Lk])",
        ShapeError);
    CHECK_THROWS_WITH_AS(model(src, tgt, {}, {}, {}, zeros({5, 2}).to(kBool)),
                         "TransformerCore: src_key_padding_mask of shape [5, 2] is not [2, 5] ([B, Lk])",
                         ShapeError);
    CHECK_THROWS_WITH_AS(
        model(src, tgt, {}, {}, {}, {}, {}, zeros({2, 5}, {.dtype = kInt64})),
        "TransformerCore: memory_key_padding_mask of dtype int64 is neither bool (true = hidden) nor "
        "float (added to the scores)",
        TypeError);
    CHECK_THROWS_WITH_AS(
        model(zeros({2, 5, 8}), tgt),
        "TransformerCore: src [2, 5, 8] and tgt [4, 2, 8] must have the same batch size (axis 1)",
        ShapeError);
    CHECK_THROWS_WITH_AS(model(zeros({5, 2, 6}), tgt),
                         "TransformerCore: expected src [L, B, 8] (batch_first = false), got [5, 2, 6]",
                         ShapeError);
    CHECK_THROWS_WITH_AS(
        TransformerCore({.norm_first = true, .final_norm = false}),
        "TransformerCore: norm_first needs final_norm (pre-LN leaves the last layer unnormalised)",
        ValueError);
  }
}
