// ch05_attention: the scaled dot-product attention examples of chapter 5 (docs/05-attention.md).
//
// Lecture 001's 112/96 → 14/12 → 0.88/0.12; lecture 002's "I am good" with identity projections;
// lecture 003's five steps on the 4 → 3 toy, unscaled and scaled; why √d_k (a measurement); masks;
// and the gradients that masked keys receive.
//
//   ch05_attention                  prints the chapter's numbers
//   ch05_attention --svg DIR        also writes DIR/ch05_i_am_good.svg and DIR/ch05_causal.svg
#include <cmath>
#include <iomanip>
#include <iostream>
#include <limits>
#include <string>

#include "core/core.hpp"
#include "examples/common/svg.hpp"
#include "nn/nn.hpp"

using namespace sf;
using namespace sf::nn;

namespace {

double mean_of(const Tensor& t) { return mean(t).item(); }

const double inf = std::numeric_limits<double>::infinity();

void section_thinking() {
  std::cout << "=== thinking ===\n";
  // [doc:thinking]
  // Lecture 001 (Jay Alammar's "Thinking Machines"): q1·k1 = 112 and q1·k2 = 96, with d_k = 64.
  Tensor scores = tensor({112, 96}, {1, 2});
  Tensor scaled = scores / std::sqrt(64.0);  // ÷ 8 → 14, 12
  Tensor weights = softmax(scaled, -1);      // → 0.8808, 0.1192
  std::cout << "scaled " << scaled << "\nweights " << weights << "\nunscaled " << softmax(scores, -1) << '\n';
  // The softmax Jacobian's off-diagonal entry, -p1·p2 (chapter 2): how much gradient flows between the two
  // scores.
  auto off_diagonal = [](const Tensor& p) { return -p[0][0].item() * p[0][1].item(); };
  std::cout << std::scientific << "-p1·p2: scaled " << off_diagonal(weights) << ", unscaled "
            << off_diagonal(softmax(scores, -1)) << std::fixed << '\n';
  // Steps 5 and 6: weight the value vectors and add them up. Jay's figure gives no numbers for
  // v1 and v2, so take v1 = [1, 0] and v2 = [0, 1]: z1 then shows the mixture itself.
  Tensor v = tensor({1, 0, 0, 1}, {2, 2});
  std::cout << "z1 = 0.8808·v1 + 0.1192·v2 = " << matmul(weights, v) << '\n';
  // [doc:end]
}

// "I am good" and its attention weights, which later sections use again.
struct IAmGood {
  Tensor X, A;
};

IAmGood section_i_am_good() {
  std::cout << "=== i-am-good ===\n";
  // [doc:i-am-good]
  // Lecture 002: "I am good" (3 × 2), W_q = W_k = W_v = I, no bias, one head: Q = K = V = X.
  Tensor X = tensor({0.2, 0.1, 0.9, 0.4, 0.7, 0.8}, {3, 2});
  std::cout << "Q·Kᵀ:\n" << matmul(X, X.transpose(0, 1)) << '\n';  // [3, 2]·[2, 3] → [3, 3]
  Tensor A = attention_weights(X, X);                              // ÷√2, softmax per row
  std::cout << "A (row = query, column = key):\n" << A << "\nrow sums " << sum(A, -1) << '\n';
  std::cout << "A·V:\n" << scaled_dot_product_attention(X, X, X) << '\n';  // [3, 3]·[3, 2] → [3, 2]
  // [doc:end]
  return {X, A};
}

void section_five_steps() {
  std::cout << "=== five-steps ===\n";
  // [doc:five-steps]
  // Lecture 003's five steps on the 4 → 3 toy. Weights are in × out, as on the slides: Q = x·W.
  Tensor x = tensor({1, 0, 1, 0, 0, 2, 0, 2, 1, 1, 1, 1}, {3, 4});  // 3 tokens × 4
  Tensor W_q = tensor({1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1}, {4, 3});
  Tensor W_k = tensor({0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0}, {4, 3});
  Tensor W_v = tensor({0, 2, 0, 0, 3, 0, 1, 0, 3, 1, 1, 0}, {4, 3});
  // 1. Queries, keys and values: [3, 4]·[4, 3] → [3, 3] each.
  Tensor Q = matmul(x, W_q), K = matmul(x, W_k), V = matmul(x, W_v);
  // 2. Scores: every query against every key, [3, 3]·[3, 3]ᵀ → [3, 3]. (003 does not scale.)
  Tensor S = matmul(Q, K.transpose(0, 1));
  // 3. Softmax along each row: row i is query i's distribution over the keys.
  Tensor P = softmax(S, -1);
  // 4. Weight the values: weighted[j][i] = P[i][j] · V[j], [3, 3, 1] * [3, 1, 3] → [3, 3, 3].
  Tensor weighted = P.transpose(0, 1).unsqueeze(2) * V.unsqueeze(1);
  // 5. Add up over the keys j: [3, 3, 3] → [3, 3].
  Tensor Z = sum(weighted, 0);
  // [doc:end]
  std::cout << "Q:\n" << Q << "\nK:\n" << K << "\nV:\n" << V << "\nscores:\n" << S << '\n';
  std::cout << "unscaled weights:\n" << P << "\nunscaled output (the five steps):\n" << Z << '\n';
  std::cout << "P·V:\n" << matmul(P, V) << '\n';
  // [doc:toy-scaled]
  std::cout << "scaled by √3:\n"
            << attention_weights(Q, K) << '\n'
            << scaled_dot_product_attention(Q, K, V) << '\n';
  // [doc:end]
}

void section_variance() {
  std::cout << "=== variance ===\n";
  // [doc:variance]
  // q and k with independent N(0, 1) components: q·k has variance d_k. Against 10 keys, unscaled
  // scores push the softmax towards one-hot, and its Jacobian's trace 1 - Σp² towards 0.
  Generator gen(5);
  std::cout << " d_k  var(q·k)  var(q·k/√d_k)  max p (raw)  max p (scaled)  1-Σp² (raw)  1-Σp² (scaled)\n";
  for (std::int64_t d_k : {4, 16, 64, 256}) {
    Tensor q = randn({20000, d_k}, gen, {.dtype = kFloat64}),
           k = randn({20000, d_k}, gen, {.dtype = kFloat64});
    Tensor dots = sum(q * k, -1);                                                  // 20000 independent q·k
    Tensor raw = matmul(q.narrow(0, 0, 500), k.narrow(0, 0, 10).transpose(0, 1));  // 500 queries × 10 keys
    Tensor p_raw = softmax(raw, -1), p_scaled = softmax(raw / std::sqrt(double(d_k)), -1);
    std::cout << std::setw(4) << d_k << std::setw(10) << var(dots, 0).item() << std::setw(15)
              << var(dots / std::sqrt(double(d_k)), 0).item() << std::setw(13) << mean_of(max(p_raw, -1))
              << std::setw(16) << mean_of(max(p_scaled, -1)) << std::setw(13)
              << mean_of(1.0 - sum(p_raw * p_raw, -1)) << std::setw(16)
              << mean_of(1.0 - sum(p_scaled * p_scaled, -1)) << '\n';
  }
  // [doc:end]
}

void section_masks() {
  std::cout << "=== masks ===\n";
  // [doc:masks]
  // Two sentences padded to 5 tokens (id 0 = padding); true means "hidden".
  Tensor ids = tensor({5, 6, 7, 0, 0, 5, 6, 7, 8, 0}, {2, 5}, {.dtype = kInt64});
  Tensor padding = padding_mask(ids, 0);      // [2, 1, 1, 5]: per key
  Tensor causal = causal_mask(5);             // [5, 5]: key after query
  Tensor both = logical_or(padding, causal);  // [2, 1, 5, 5]
  std::cout << "padding " << padding.shape() << ", causal " << causal.shape() << ", both " << both.shape()
            << '\n';
  std::cout << "sentence 0, both masks:\n" << both[0][0] << '\n';
  // [doc:end]
}

/// Returns the masked scores (for the picture).
Tensor section_causal() {
  std::cout << "=== causal ===\n";
  // [doc:causal]
  // A causal mask over 4 raw scores per row (the 9s are future scores and never count).
  Tensor raw4 = tensor({1, 9, 9, 9, 1, 2, 9, 9, 0, 1, 1, 9, 1, 1, 1, 1}, {4, 4});
  Tensor hidden = masked_fill(raw4, causal_mask(4), -inf);  // e^-inf = 0
  std::cout << softmax(hidden, -1) << '\n';
  // [doc:end]
  return hidden;
}

void section_fully_masked(const Tensor& X) {
  std::cout << "=== fully-masked ===\n";
  // [doc:fully-masked]
  // "I am good" again. Key 0 is padding and query 0 may only see key 0: it has nothing to look at.
  Tensor mask = logical_or(causal_mask(3), tensor({1, 0, 0}, {.dtype = kBool}));
  std::cout << "mask:\n" << mask << "\nwith -inf (ours):\n" << attention_weights(X, X, mask) << '\n';
  // The code lecture 000 follows fills with -10000 instead: the same where something is visible,
  // but a row with nothing visible becomes uniform over every key, hidden ones included.
  Tensor s3 = matmul(X, X.transpose(0, 1)) / std::sqrt(2.0);
  std::cout << "with -10000:\n" << softmax(masked_fill(s3, mask, -10000), -1) << '\n';
  // [doc:end]
}

void section_gradient() {
  std::cout << "=== gradient ===\n";
  // [doc:gradient]
  // Key 2 is padding: its key and value rows get exactly zero gradient.
  Tensor q = tensor({0.5, -1.0, 1.5, 0.25}, {2, 2}, {.dtype = kFloat64, .requires_grad = true});
  Tensor k = tensor({1.0, 0.0, 0.5, 0.5, -1.0, 2.0}, {3, 2}, {.dtype = kFloat64, .requires_grad = true});
  Tensor vv = tensor({1.0, 2.0, 3.0, 4.0, 5.0, 6.0}, {3, 2}, {.dtype = kFloat64, .requires_grad = true});
  Tensor key_mask = tensor({0, 0, 1}, {.dtype = kBool});  // broadcasts over the queries
  Tensor out = scaled_dot_product_attention(q, k, vv, key_mask);
  sum(out * tensor({1.0, -2.0, 0.5, 3.0}, {2, 2}, {.dtype = kFloat64})).backward();  // a fixed projection
  std::cout << "dK:\n" << k.grad() << "\ndV:\n" << vv.grad() << '\n';
  auto attend = [&](const std::vector<Tensor>& in) {
    return scaled_dot_product_attention(in[0], in[1], in[2], key_mask);
  };
  std::cout << "gradcheck with the mask: "
            << (gradcheck(attend, {q, k, vv}, {.name = "attention"}).passed ? "passed" : "FAILED") << '\n';
  // [doc:end]
}

// The chapter's two heat maps: "I am good"'s weights, and the causal mask's scores.
void draw_pictures(const std::string& svg_dir, const Tensor& A, const Tensor& hidden) {
  const std::vector<std::string> words = {"I", "am", "good"};
  svg::HeatMap({.title = "\"I am good\": attention weights",
                .x_label = "key",
                .y_label = "query",
                .row_labels = words,
                .column_labels = words,
                .annotate = true,
                .decimals = 4,
                .cell_size = 72},
               3, 3, A.to_vector<double>())
      .save(svg_dir + "/ch05_i_am_good.svg");
  const std::vector<std::string> pos = {"0", "1", "2", "3"};
  svg::HeatMap({.title = "Causal mask: scores (grey = -inf)",
                .x_label = "key",
                .y_label = "query",
                .row_labels = pos,
                .column_labels = pos,
                .annotate = true,
                .decimals = 0,
                .cell_size = 56},
               4, 4, hidden.to_vector<double>())
      .save(svg_dir + "/ch05_causal.svg");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string svg_dir = argc == 3 && std::string(argv[1]) == "--svg" ? argv[2] : "";
  std::cout << std::fixed << std::setprecision(4) << std::boolalpha;

  section_thinking();
  const auto [X, A] = section_i_am_good();
  section_five_steps();
  section_variance();
  section_masks();
  const Tensor hidden = section_causal();
  section_fully_masked(X);
  section_gradient();
  if (!svg_dir.empty()) draw_pictures(svg_dir, A, hidden);
  return 0;
}
