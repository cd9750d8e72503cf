// ch07_positional: the positional-encoding examples of chapter 7 (docs/07-positional-encoding.md).
//
// The paper's sinusoid table for d_model = 4; every position's norm; distances between positions
// (a function of the offset only, growing but not monotone at d_model = 512, nearly periodic at 4);
// a shift by k positions as a rotation; and token embeddings scaled by √d_model plus the table.
//
//   ch07_positional                 prints the chapter's numbers
//   ch07_positional --svg DIR       also writes DIR/ch07_encoding.svg and DIR/ch07_distance.svg
#include <cmath>
#include <iomanip>
#include <iostream>
#include <string>

#include "core/core.hpp"
#include "examples/common/svg.hpp"
#include "nn/nn.hpp"

using namespace sf;
using namespace sf::nn;

namespace {

// [doc:distance]
// ‖PE(p) − PE(q)‖, the Euclidean distance between two rows of the table.
double distance(const Tensor& pe, std::int64_t p, std::int64_t q) {
  return std::sqrt(sum(pow(pe[p] - pe[q], 2.0)).item());
}
// [doc:end]

void section_table() {
  std::cout << "=== table ===\n";
  // [doc:table]
  // Positions 0..3 for d_model = 4. Columns: sin(p), cos(p), sin(p/100), cos(p/100), since
  // 10000^(2i/d_model) is 1 for i = 0 and 10000^(2/4) = 100 for i = 1.
  std::cout << sinusoidal_encoding(4, 4, kFloat64) << '\n';
  // cos(1/100) = 0.99995000…, on the edge of rounding: float32 stores it just below.
  std::cout << std::setprecision(8) << "PE(1, 3): float64 "
            << sinusoidal_encoding(2, 4, kFloat64)[1][3].item() << ", float32 "
            << sinusoidal_encoding(2, 4)[1][3].item() << std::setprecision(4) << '\n';
  // [doc:end]
}

// The encodings for d_model 4 and 512, which later sections use again.
struct Encodings {
  Tensor pe4, pe512;
};

Encodings section_norms() {
  std::cout << "=== norms ===\n";
  // [doc:norms]
  // Each (sin, cos) pair has length 1, so every row has length √(d_model/2).
  const Tensor pe4 = sinusoidal_encoding(8, 4, kFloat64), pe512 = sinusoidal_encoding(128, 512, kFloat64);
  std::cout << "d_model = 4: ‖PE(0)‖ = " << std::sqrt(sum(pe4[0] * pe4[0]).item())
            << ", ‖PE(5)‖ = " << std::sqrt(sum(pe4[5] * pe4[5]).item()) << ", √2 = " << std::sqrt(2.0)
            << '\n';
  std::cout << "d_model = 512: ‖PE(0)‖ = " << std::sqrt(sum(pe512[0] * pe512[0]).item())
            << ", ‖PE(100)‖ = " << std::sqrt(sum(pe512[100] * pe512[100]).item()) << ", √256 = 16\n";
  // [doc:end]
  return {pe4, pe512};
}

void section_distance(const Tensor& pe4, const Tensor& pe512) {
  std::cout << "=== distance ===\n";
  // [doc:distances]
  std::cout << "d_model = 512, offsets 0..5:";
  for (int o = 0; o <= 5; ++o) std::cout << ' ' << distance(pe512, 0, o);
  std::cout << "\nfrom position 0 and from position 40, offset 3: " << distance(pe512, 0, 3) << ' '
            << distance(pe512, 40, 43) << '\n';
  for (int o : {44, 50, 56})
    std::cout << "offset " << o - 1 << ": " << distance(pe512, 0, o - 1) << ", offset " << o << ": "
              << distance(pe512, 0, o) << '\n';
  std::cout << "d_model = 4, offsets 0..7:";
  for (int o = 0; o <= 7; ++o) std::cout << ' ' << distance(pe4, 0, o);
  std::cout << '\n';
  // [doc:end]
}

void section_shift(const Tensor& pe4) {
  std::cout << "=== shift ===\n";
  // [doc:shift]
  // Moving k positions turns each (sin, cos) pair by the angle k·ω_i: PE(p + k) = PE(p)·R_k for one
  // fixed 4 × 4 matrix R_k, whatever p is. Here k = 3, d_model = 4, ω = (1, 1/100).
  const double k = 3;
  std::vector<double> r(16, 0.0);
  for (int i = 0; i < 2; ++i) {
    const double a = k / std::pow(10000.0, 2.0 * i / 4);  // k·ω_i
    // [sin x, cos x]·[[cos a, −sin a], [sin a, cos a]] = [sin(x + a), cos(x + a)]
    const int j = 2 * i;
    r[j * 4 + j] = std::cos(a), r[j * 4 + j + 1] = -std::sin(a);
    r[(j + 1) * 4 + j] = std::sin(a), r[(j + 1) * 4 + j + 1] = std::cos(a);
  }
  Tensor R = tensor(r, {4, 4}, {.dtype = kFloat64});
  std::cout << "PE(0..2)·R_3:\n"
            << matmul(pe4.narrow(0, 0, 3), R) << "\nPE(3..5):\n"
            << pe4.narrow(0, 3, 3) << '\n';
  // [doc:end]
}

void section_embed() {
  std::cout << "=== embed ===\n";
  // [doc:embed]
  // Three tokens and one padding token (id 0), d_model = 4: the embedding is scaled by √4 = 2,
  // then the position's row is added. Dropout is off to show the numbers.
  Generator gen(7);
  Embedding embed({.num_embeddings = 10, .embedding_dim = 4, .padding_idx = 0}, gen);
  PositionalEncoding positions({.d_model = 4, .max_len = 16, .dropout = 0.0}, gen);
  Tensor ids = tensor({3, 1, 4, 0}, {1, 4}, {.dtype = kInt64});  // [B, L]
  Tensor e = embed(ids);                                         // [1, 4, 4]
  std::cout << "embeddings:\n"
            << e.detach()[0] << "\n2·embeddings + PE:\n"
            << positions(e).detach()[0] << '\n';
  // Decoding one token at a time: token 4 fed alone with start = 2 gets PE(2), as in row 2 above.
  Tensor alone = embed(tensor({4}, {1, 1}, {.dtype = kInt64}));  // [1, 1, 4]
  std::cout << "token 4 alone, start = 2: " << positions(alone, 2).detach()[0][0] << '\n';
  // [doc:end]
}

// The chapter's pictures: the encoding as a heat map, and the distance from PE(0) by offset.
void draw_pictures(const std::string& svg_dir, const Tensor& pe4, const Tensor& pe512) {
  const Tensor table = sinusoidal_encoding(50, 64, kFloat64);
  std::vector<std::string> rows, columns;
  for (int p = 0; p < 50; ++p) rows.push_back(p % 5 == 0 ? std::to_string(p) : "");
  for (int j = 0; j < 64; ++j) columns.push_back(j % 8 == 0 ? std::to_string(j) : "");
  svg::HeatMap({.title = "Positional encoding, d_model = 64",
                .x_label = "feature j",
                .y_label = "position p",
                .row_labels = rows,
                .column_labels = columns,
                .palette = svg::Palette::diverging,
                .cell_size = 10},
               50, 64, table.to_vector<double>())
      .save(svg_dir + "/ch07_encoding.svg");
  svg::LineChart chart({.title = "Distance between PE(0) and PE(offset)",
                        .x_label = "offset",
                        .y_label = "‖PE(0) − PE(offset)‖"});
  for (const Tensor* pe : {&pe4, &pe512}) {
    const Tensor full = pe == &pe4 ? sinusoidal_encoding(101, 4, kFloat64) : pe512;
    std::vector<double> xs, ys;
    for (int o = 0; o <= 100; ++o) xs.push_back(o), ys.push_back(distance(full, 0, o));
    chart.add_series(pe == &pe4 ? "d_model = 4" : "d_model = 512", xs, ys);
  }
  chart.save(svg_dir + "/ch07_distance.svg");
}

}  // namespace

void section_attention_memory() {
  std::cout << "=== attention-memory ===\n";
  // [doc:attention-memory]
  // Self-attention over L tokens makes one L × L matrix of weights per head: every position against
  // every position. Seen on a real module, at L = 128 with 8 heads:
  Generator gen(7);
  const MultiHeadAttention mha({.d_model = 64, .heads = 8}, gen);
  const Tensor x = randn({1, 128, 64}, gen);
  Tensor weights;
  mha(x, x, x, {}, &weights);
  std::cout << "weights of one sentence of 128 tokens: shape " << weights.shape() << ", " << weights.numel()
            << " numbers\n";
  // For the paper's base model (8 heads, 6 encoder layers, float32) a training step keeps these
  // weights for the backward pass: 48 matrices of L² numbers per sentence, computed here, not
  // measured. Beside them, one layer's activations, L × d_model, grow only linearly.
  std::cout << "     L   one head    48 heads x layers   one activation L x 512\n";
  for (const std::int64_t L : {128, 256, 512, 1024, 2048, 4096}) {
    const double head = static_cast<double>(L * L) * 4 / (1 << 20);  // MiB
    std::cout << std::setw(6) << L << std::setw(8) << std::setprecision(2) << head << " MiB" << std::setw(12)
              << std::setprecision(0) << 48 * head << " MiB" << std::setw(17) << std::setprecision(2)
              << static_cast<double>(L * 512) * 4 / (1 << 20) << " MiB\n";
  }
  std::cout << std::setprecision(4);
  // [doc:end]
}

int main(int argc, char** argv) {
  const std::string svg_dir = argc == 3 && std::string(argv[1]) == "--svg" ? argv[2] : "";
  std::cout << std::fixed << std::setprecision(4);

  section_table();
  const auto [pe4, pe512] = section_norms();
  section_distance(pe4, pe512);
  section_shift(pe4);
  section_embed();
  section_attention_memory();
  if (!svg_dir.empty()) draw_pictures(svg_dir, pe4, pe512);
  return 0;
}
