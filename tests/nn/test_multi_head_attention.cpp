// Tests for nn/multi_head_attention.cpp: PyTorch's numbers and names, the parameter count, the
// gradients, and the errors.
#include "fixture.hpp"
#include "nn/nn.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

namespace {

// Runs one case of tests/fixtures/mha.txt (made by make_mha_fixture.py with torch.nn.MultiheadAttention)
// through our module with the same weights, and compares outputs, weights and every gradient.
void check_against_pytorch(const std::string& name, std::int64_t E, std::int64_t heads) {
  const auto fx = sf::test::load_fixture(SF_SOURCE_DIR "/tests/fixtures/mha.txt");
  auto get = [&](const std::string& key) { return fx.at(name + "." + key); };
  MultiHeadAttention mha({.d_model = E, .heads = heads, .dtype = kFloat64});
  mha.load_state_dict({{"in_proj_weight", get("in_proj_weight")},
                       {"in_proj_bias", get("in_proj_bias")},
                       {"out_proj.weight", get("out_proj.weight")},
                       {"out_proj.bias", get("out_proj.bias")}});
  Tensor query = get("query").requires_grad_();
  const bool self = !fx.count(name + ".key");
  Tensor key = self ? query : get("key").requires_grad_();
  Tensor value = self ? query : get("value").requires_grad_();
  Tensor mask;
  if (fx.count(name + ".attn_mask")) mask = get("attn_mask").to(kBool);
  if (fx.count(name + ".key_padding_mask")) {
    const Tensor kpm = get("key_padding_mask").to(kBool);
    mask = kpm.view({kpm.size(0), 1, 1, kpm.size(1)});
  }
  Tensor weights;
  Tensor out = mha(query, key, value, mask, &weights);
  check_values(out, get("output").to_vector<double>(), 1e-12);
  check_values(weights, get("weights").to_vector<double>(), 1e-12);
  sum(out * get("projection")).backward();
  check_values(query.grad(), get("grad_query").to_vector<double>(), 1e-12);
  if (!self) {
    check_values(key.grad(), get("grad_key").to_vector<double>(), 1e-12);
    check_values(value.grad(), get("grad_value").to_vector<double>(), 1e-12);
  }
  check_values(mha.in_proj_weight.grad(), get("grad_in_proj_weight").to_vector<double>(), 1e-12);
  check_values(mha.in_proj_bias.grad(), get("grad_in_proj_bias").to_vector<double>(), 1e-12);
  check_values(mha.out_proj.weight.grad(), get("grad_out_proj.weight").to_vector<double>(), 1e-12);
  check_values(mha.out_proj.bias.grad(), get("grad_out_proj.bias").to_vector<double>(), 1e-12);
}

}  // namespace

TEST_SUITE("ch06-multi-head-attention") {
  TEST_CASE("same numbers as torch.nn.MultiheadAttention: one head, E = 2") {
    check_against_pytorch("single_head", 2, 1);
  }
  TEST_CASE("same numbers as torch.nn.MultiheadAttention: two heads, causal mask") {
    check_against_pytorch("causal", 4, 2);
  }
  TEST_CASE("same numbers as torch.nn.MultiheadAttention: cross-attention, padded keys") {
    check_against_pytorch("cross_padded", 6, 3);
  }

  TEST_CASE("the base model's multi-head attention has 4·(512² + 512) = 1,050,624 parameters") {
    MultiHeadAttention mha({.d_model = 512, .heads = 8});
    CHECK(mha.parameter_count() == 1050624);
    CHECK(mha.in_proj_weight.shape() == Shape{1536, 512});
    CHECK(mha.in_proj_bias.shape() == Shape{1536});
  }

  TEST_CASE("weights per head come back on request, each row summing to 1") {
    Generator gen(1);
    MultiHeadAttention mha({.d_model = 8, .heads = 4}, gen);
    Tensor x = randn({2, 5, 8}, gen), w;
    Tensor y = mha(x, x, x, causal_mask(5), &w);
    CHECK(y.shape() == Shape{2, 5, 8});
    CHECK(w.shape() == Shape{2, 4, 5, 5});
    check_values(sum(w, -1), std::vector<double>(40, 1.0), 1e-6);
    check_values(w[1][3][0], {1, 0, 0, 0, 0});  // the first query sees only itself
  }

  TEST_CASE("causality holds through the projections and the head split") {
    Generator gen(2);
    MultiHeadAttention mha({.d_model = 8, .heads = 2}, gen);
    Tensor x = randn({1, 6, 8}, gen);
    const Tensor before = mha(x, x, x, causal_mask(6));
    Tensor changed = x.clone();
    changed[0][5].fill_(3);
    const Tensor after = mha(changed, changed, changed, causal_mask(6));
    CHECK(sf::test::same_values(before[0].narrow(0, 0, 5), after[0].narrow(0, 0, 5)));
  }

  TEST_CASE(
      "without weights asked for, the O(L) path (flash_attention): the same numbers, dropout included") {
    // Whether the graph below `t` holds an op named `name`.
    const auto uses = [](const Tensor& t, const std::string& name) {
      std::vector<const Node*> todo{t.grad_fn().get()};
      while (!todo.empty()) {
        const Node* n = todo.back();
        todo.pop_back();
        if (!n) continue;
        if (n->name() == name) return true;
        for (const auto& next : n->next) todo.push_back(next.get());
      }
      return false;
    };
    Generator gen(8);
    MultiHeadAttention mha({.d_model = 8, .heads = 2, .dropout = 0.25, .dtype = kFloat64}, gen);
    const Tensor x = rand64({2, 70, 8}, 9), R = rand64({2, 70, 8}, 10);
    std::vector<double> ids(140, 1.0);
    std::fill(ids.end() - 9, ids.end(), 0.0);  // the second sentence ends in 9 padding tokens
    const Tensor mask = logical_or(causal_mask(70), padding_mask(tensor(ids, {2, 70}, {.dtype = kInt64}), 0));
    std::vector<std::vector<double>> grads[2];
    Tensor outs[2];
    const Generator::State start = gen.state();
    for (const int with_weights : {0, 1}) {
      gen.set_state(start);  // the same dropout draws for both paths
      mha.zero_grad();
      x.set_grad(Tensor());
      Tensor w;
      outs[with_weights] = mha(x, x, x, mask, with_weights ? &w : nullptr);
      CHECK(uses(outs[with_weights], "flash_attention") == !with_weights);
      CHECK(uses(outs[with_weights], "masked_softmax") == bool(with_weights));
      sum(outs[with_weights] * R).backward();
      grads[with_weights].push_back(x.grad().to_vector<double>());
      for (const Tensor& p : mha.parameters()) grads[with_weights].push_back(p.grad().to_vector<double>());
    }
    check_values(outs[0], outs[1].to_vector<double>(), 1e-12);
    for (std::size_t i = 0; i < grads[0].size(); ++i)
      for (std::size_t j = 0; j < grads[0][i].size(); ++j)
        CHECK(std::fabs(grads[0][i][j] - grads[1][i][j]) < 1e-12);
    // A float mask that wants its gradient takes the plain path (flash_attention gives the mask none).
    const Tensor bias = rand64({70, 70}, 11);
    CHECK(uses(mha(x, x, x, bias), "masked_softmax") == false);
    CHECK(uses(mha(x, x, x, bias), "flash_attention") == false);
    CHECK(uses(mha(x, x, x, bias.detach()), "flash_attention"));
  }

  TEST_CASE("unbatched input [L, E] works like a batch of one") {
    Generator gen(3);
    MultiHeadAttention mha({.d_model = 4, .heads = 2}, gen);
    Tensor x = randn({3, 4}, gen);
    check_values(mha(x, x, x), mha(x.unsqueeze(0), x.unsqueeze(0), x.unsqueeze(0))[0].to_vector<double>(),
                 1e-6);
  }

  TEST_CASE(
      "gradcheck: MultiHeadAttention with respect to its inputs and every parameter, masks on and off") {
    MultiHeadAttention mha({.d_model = 4, .heads = 2, .dtype = kFloat64});
    Generator gen(4);
    {
      NoGradGuard no_grad;  // non-zero biases, so that their gradients are not trivially checked
      mha.in_proj_bias.copy_(uniform({12}, -0.5, 0.5, gen, {.dtype = kFloat64}));
      mha.out_proj.bias.copy_(uniform({4}, -0.5, 0.5, gen, {.dtype = kFloat64}));
    }
    Inputs in{rand64({2, 3, 4}, 5), rand64({2, 4, 4}, 6)};
    for (const Tensor& p : mha.parameters()) in.push_back(p);
    CHECK_GRADCHECK([&](const Inputs& x) { return mha(x[0], x[1], x[1]); }, in,
                    {.name = "MultiHeadAttention (cross)"});
    Tensor mask = padding_mask(tensor({1, 1, 0, 0, 1, 1, 1, 0}, {2, 4}, {.dtype = kInt64}), 0);
    CHECK_GRADCHECK([&](const Inputs& x) { return mha(x[0], x[1], x[1], mask); }, in,
                    {.name = "MultiHeadAttention (padding mask)"});
    Inputs self{rand64({2, 3, 4}, 7)};
    for (const Tensor& p : mha.parameters()) self.push_back(p);
    CHECK_GRADCHECK([&](const Inputs& x) { return mha(x[0], x[0], x[0], causal_mask(3)); }, self,
                    {.name = "MultiHeadAttention (self, causal)"});
  }

  TEST_CASE("MultiHeadAttention errors: heads must divide d_model, inputs and masks must fit") {
    CHECK_THROWS_WITH_AS(
        MultiHeadAttention({.d_model = 10, .heads = 3}),
        "MultiHeadAttention: d_model 10 is not divisible by heads 3 (each head gets d_model / heads "
        "features)",
        ValueError);
    MultiHeadAttention mha({.d_model = 8, .heads = 2});
    CHECK_THROWS_WITH_AS(
        mha(zeros({2, 3, 4}), zeros({2, 3, 4}), zeros({2, 3, 4})),
        "MultiHeadAttention: expected query [B, Lq, 8] and key/value [B, Lk, 8], got query [2, 3, 4] "
        "and key [2, 3, 4]",
        ShapeError);
    CHECK_THROWS_WITH_AS(mha(zeros({2, 3, 8}), zeros({2, 4, 8}), zeros({2, 5, 8})),
                         "MultiHeadAttention: key [2, 4, 8] and value [2, 5, 8] must have the same shape",
                         ShapeError);
    Tensor x = zeros({2, 3, 8});
    // Without weights asked for, the O(L) path checks the mask; with them, the plain path does.
    CHECK_THROWS_WITH_AS(
        mha(x, x, x, causal_mask(4)),
        "flash_attention: mask of shape [4, 4] does not broadcast to the scores' shape [2, 2, 3, 3] ([B, "
        "heads, queries, keys])",
        ShapeError);
    Tensor weights;
    CHECK_THROWS_WITH_AS(
        mha(x, x, x, causal_mask(4), &weights),
        "attention: mask of shape [4, 4] does not broadcast to the scores' shape [2, 2, 3, 3] ([.., "
        "queries, keys])",
        ShapeError);
  }
}
