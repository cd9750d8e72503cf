// ch06_multi_head: the multi-head attention examples of chapter 6 (docs/06-multi-head-attention.md).
//
// The shape trace of the base model (d_model 512, 8 heads) done by hand and by the module; its
// parameters; the cost of h heads against one; lecture 004's 3-head toy with raw ops; "I am good"
// through the module with 1 and 2 heads; what lecture 002's "key, query, value" order would do;
// and what the wrong head split does to the output.
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <iostream>

#include "core/core.hpp"
#include "examples/common/measure.hpp"
#include "nn/nn.hpp"

using namespace sf;
using namespace sf::nn;
using sf::examples::max_difference;

namespace {

// [doc:wrong-split]
// Multi-head self-attention with the head split of an older revision of the code lecture 000
// follows: view [B, L, E] straight to [B, h, L, d_k] (no transpose), and back the same way.
Tensor wrong_split_attention(const MultiHeadAttention& mha, const Tensor& x) {
  const std::int64_t B = x.size(0), L = x.size(1), E = x.size(2), h = mha.config().heads, d_k = E / h;
  const auto qkv = chunk(linear(x, mha.in_proj_weight, mha.in_proj_bias), 3, -1);
  auto split = [&](const Tensor& t) { return t.contiguous().view({B, h, L, d_k}); };  // wrong
  Tensor heads = scaled_dot_product_attention(split(qkv[0]), split(qkv[1]), split(qkv[2]));
  return mha.out_proj(heads.view({B, L, E}));  // the matching wrong merge
}
// [doc:end]

// Row i, column j: the size of ∂out[i]/∂x[j], measured through a fixed random projection of out[i].
template <class F>
Tensor dependence(F&& attend, const Tensor& x, Generator& gen) {
  const std::int64_t L = x.size(1), E = x.size(2);
  std::vector<double> norms;
  for (std::int64_t i = 0; i < L; ++i) {
    Tensor input = x.detach().clone().requires_grad_();
    Tensor out = attend(input);
    sum(out[0][i] * randn({E}, gen, {.dtype = x.dtype()})).backward();
    for (std::int64_t j = 0; j < L; ++j) norms.push_back(std::sqrt(sum(pow(input.grad()[0][j], 2.0)).item()));
  }
  return tensor(norms, {L, L});
}

/// Returns the generator, which later sections go on drawing from.
Generator section_trace() {
  std::cout << "=== trace ===\n";
  // [doc:trace]
  // The base model: d_model = 512, h = 8, so d_k = 64. Two sentences of 10 tokens.
  Generator gen(6);
  MultiHeadAttention mha({.d_model = 512, .heads = 8}, gen);
  Tensor x = randn({2, 10, 512}, gen);                                             // [B, L, d_model]
  const auto qkv = chunk(linear(x, mha.in_proj_weight, mha.in_proj_bias), 3, -1);  // 3 × [2, 10, 512]
  Tensor q = qkv[0].view({2, 10, 8, 64}).transpose(1, 2);                          // [2, 8, 10, 64]
  Tensor k = qkv[1].view({2, 10, 8, 64}).transpose(1, 2);
  Tensor v = qkv[2].view({2, 10, 8, 64}).transpose(1, 2);
  Tensor w = attention_weights(q, k);                                     // [2, 8, 10, 10]
  Tensor heads = matmul(w, v);                                            // [2, 8, 10, 64]
  Tensor merged = heads.transpose(1, 2).contiguous().view({2, 10, 512});  // [2, 10, 512]
  Tensor out = mha.out_proj(merged);                                      // [2, 10, 512]
  std::cout << "x " << x.shape() << " → q " << qkv[0].shape() << " → split " << q.shape() << " → weights "
            << w.shape() << " → per head " << heads.shape() << " → merged " << merged.shape() << " → out "
            << out.shape() << '\n';
  std::cout << "the module gives the same: max |difference| = " << max_difference(out, mha(x, x, x)) << '\n';
  // [doc:end]
  return gen;
}

void section_parameters() {
  std::cout << "=== parameters ===\n";
  const MultiHeadAttention mha({.d_model = 512, .heads = 8});  // as in the trace; only its shapes matter
  // [doc:parameters]
  for (const auto& [name, p] : mha.named_parameters()) std::cout << name << ' ' << p.shape() << '\n';
  std::cout << "total " << mha.parameter_count() << " = 4·(512² + 512) = " << 4 * (512 * 512 + 512) << '\n';
  // [doc:end]
}

void section_cost() {
  std::cout << "=== cost ===\n";
  // [doc:cost]
  // Multiply-adds ×2 = FLOPs for one sentence of L tokens, d_model = d, h heads of d_k = d/h.
  const std::int64_t d = 512;
  for (std::int64_t L : {10, 100})
    for (std::int64_t h : {1, 8}) {
      const std::int64_t d_k = d / h;
      const std::int64_t projections = 3 * 2 * L * d * d;  // Q, K, V: [L, d]·[d, d]
      const std::int64_t scores = h * 2 * L * L * d_k;     // per head [L, d_k]·[d_k, L]
      const std::int64_t mixing = h * 2 * L * L * d_k;     // per head [L, L]·[L, d_k]
      const std::int64_t output = 2 * L * d * d;           // W^O: [L, d]·[d, d]
      std::cout << "L = " << std::setw(3) << L << ", h = " << h << ": projections " << projections
                << ", scores " << scores << ", A·V " << mixing << ", W^O " << output << ", total "
                << projections + scores + mixing + output << '\n';
    }
  // [doc:end]
}

void section_toy(Generator& gen) {
  std::cout << "=== toy ===\n";
  // [doc:toy]
  // Lecture 004: 7 tokens × 5, three heads of 3 neurons each, concatenated to 7 × 9, then a linear
  // layer 9 → 5. Three heads of 3 do not add up to 5, so this needs raw ops, not our module.
  Tensor X = randn({7, 5}, gen);
  std::vector<Tensor> per_head;
  for (int i = 0; i < 3; ++i) {
    Linear W_q({.in_features = 5, .out_features = 3}, gen), W_k({.in_features = 5, .out_features = 3}, gen),
        W_v({.in_features = 5, .out_features = 3}, gen);
    per_head.push_back(scaled_dot_product_attention(W_q(X), W_k(X), W_v(X)));  // [7, 3], scaled by √3
  }
  Tensor concat_heads = concat(per_head, -1);  // [7, 9]
  Linear W_o({.in_features = 9, .out_features = 5}, gen);
  std::cout << "head " << per_head[0].shape() << " ×3 → concat " << concat_heads.shape() << " → W^O "
            << W_o.weight.shape() << " → " << W_o(concat_heads).shape() << '\n';
  try {
    MultiHeadAttention({.d_model = 5, .heads = 3});
  } catch (const ValueError& e) {
    std::cout << e.what() << '\n';
  }
  // [doc:end]
}

/// Returns "I am good", which the next section uses again.
Tensor section_i_am_good() {
  std::cout << "=== i-am-good ===\n";
  // [doc:i-am-good]
  // Lecture 002's "I am good" through the module, with W_q = W_k = W_v = W^O = I and zero biases.
  Tensor I_am_good = tensor({0.2, 0.1, 0.9, 0.4, 0.7, 0.8}, {1, 3, 2}, {.dtype = kFloat64});
  for (std::int64_t h : {1, 2}) {
    NoGradGuard no_grad;  // only looking: record no graph
    MultiHeadAttention identity({.d_model = 2, .heads = h, .dtype = kFloat64});
    Tensor eye2 = eye(2, {.dtype = kFloat64});
    identity.load_state_dict({{"in_proj_weight", concat({eye2, eye2, eye2}, 0)},  // [6, 2]: q, k, v
                              {"in_proj_bias", zeros({6})},
                              {"out_proj.weight", eye2},
                              {"out_proj.bias", zeros({2})}});
    Tensor weights;
    Tensor y = identity(I_am_good, I_am_good, I_am_good, {}, &weights);
    std::cout << "heads = " << h << ", weights " << weights.shape() << ":\n"
              << weights[0] << "\noutput:\n"
              << y[0] << '\n';
    if (h == 2) std::cout << "averaged over heads (PyTorch's default):\n" << mean(weights[0], 0) << '\n';
  }
  // [doc:end]
  return I_am_good;
}

void section_order(const Tensor& I_am_good, Generator& gen) {
  std::cout << "=== order ===\n";
  // [doc:order]
  // Lecture 002 reads the packed weight as key, query, value. PyTorch (and we) read query, key,
  // value. Swapping the first two blocks swaps Q and K, and K·Qᵀ is (Q·Kᵀ)ᵀ: the scores transposed.
  Tensor x3 = I_am_good[0];
  Tensor W_packed = randn({6, 2}, gen, {.dtype = kFloat64});
  const auto W = chunk(W_packed, 3, 0);  // W[0] = W_q, W[1] = W_k, W[2] = W_v
  Tensor right = matmul(linear(x3, W[0]), linear(x3, W[1]).transpose(0, 1));
  Tensor swapped = matmul(linear(x3, W[1]), linear(x3, W[0]).transpose(0, 1));
  std::cout << "scores, q k v order:\n" << right << "\nscores, k q v order:\n" << swapped << '\n';
  // [doc:end]
}

void section_split(Generator& gen) {
  std::cout << "=== split ===\n";
  // [doc:split]
  // d_model = 4, 2 heads of 2, one sentence of 4 tokens. Row i, column j: how much output i
  // depends on input token j (the size of the gradient ∂out[i]/∂x[j]).
  MultiHeadAttention small({.d_model = 4, .heads = 2, .dtype = kFloat64}, gen);
  Tensor tokens = randn({1, 4, 4}, gen, {.dtype = kFloat64});
  auto right_split = [&](const Tensor& in) { return small(in, in, in); };
  auto wrong_split = [&](const Tensor& in) { return wrong_split_attention(small, in); };
  std::cout << "right split:\n" << dependence(right_split, tokens, gen) << '\n';
  std::cout << "wrong split:\n" << dependence(wrong_split, tokens, gen) << '\n';
  // [doc:end]
}

}  // namespace

int main() {
  std::cout << std::fixed << std::setprecision(4) << std::boolalpha;

  Generator gen = section_trace();
  section_parameters();
  section_cost();
  section_toy(gen);
  const Tensor I_am_good = section_i_am_good();
  section_order(I_am_good, gen);
  section_split(gen);
  return 0;
}
