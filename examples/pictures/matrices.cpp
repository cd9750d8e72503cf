// matrices.cpp: the head split and Q·Kᵀ drawn cell by cell from tensors the library computed.
#include "examples/pictures/matrices.hpp"

#include <algorithm>

#include "core/ops/attention.hpp"
#include "core/ops/matmul.hpp"
#include "core/tensor.hpp"
#include "examples/common/svg_document.hpp"

namespace sf::pictures {
namespace {

const std::vector<std::string> kTokens{"I", "am", "a", "student"};
// One colour per token: in a correct split every row of a head keeps one colour.
const std::vector<std::string> kTokenColours{"#f4a6a6", "#a6d4f4", "#b8e6a0", "#f7d58b"};

/// A [rows, cols] block of cells at (x, y): the fill and label of each cell come from `cell`.
template <class Cell>
void grid(svg::Document& doc, double x, double y, std::int64_t rows, std::int64_t cols, double size,
          Cell cell) {
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) {
      const auto [fill, label] = cell(r, c);
      const double cx = x + static_cast<double>(c) * size, cy = y + static_cast<double>(r) * size;
      doc.rect(cx, cy, size, size, fill, "#ffffff");
      doc.text(cx + size / 2, cy + size / 2 + 4, label, 11, svg::Anchor::middle, 0,
               svg::is_dark(fill) ? "#ffffff" : "#222222");
    }
}

/// "f5": feature 5 of its token (code = token·100 + feature).
std::string feature_label(int code) {
  std::string s = "f";
  s += std::to_string(code % 100);
  return s;
}

/// Values of a tensor whose elements are token·100 + feature, as a row-major vector.
std::vector<double> values(const Tensor& t) { return t.to(kFloat64).contiguous().to_vector<double>(); }

/// Draws a [h, L, d_k] tensor as h blocks side by side; each cell coloured by the token it came from.
void heads(svg::Document& doc, double x, double y, const Tensor& t, const std::string& caption) {
  const std::int64_t h = t.size(0), L = t.size(1), dk = t.size(2);
  const std::vector<double> v = values(t);
  const double size = 26;
  for (std::int64_t head = 0; head < h; ++head) {
    const double hx = x + static_cast<double>(head) * (static_cast<double>(dk) * size + 24);
    doc.text(hx + static_cast<double>(dk) * size / 2, y - 8,
             std::string("head ").append(std::to_string(head + 1)), 12);
    grid(doc, hx, y, L, dk, size, [&](std::int64_t r, std::int64_t c) {
      const int code = static_cast<int>(v[(head * L + r) * dk + c]);
      return std::pair<std::string, std::string>{kTokenColours[code / 100], feature_label(code)};
    });
  }
  doc.text(x, y + static_cast<double>(L) * size + 20, caption, 12.5, svg::Anchor::start);
}

std::string shape_text(const Tensor& t) {
  std::string s = "[";
  for (std::int64_t i = 0; i < t.dim(); ++i) {
    if (i) s += ", ";
    s += std::to_string(t.size(i));
  }
  return s + "]";
}

/// A matrix with its numbers, its name above and its shape below; colours scaled to its own range.
double matrix(svg::Document& doc, double x, double y, const std::string& name, const Tensor& m,
              int decimals) {
  const std::vector<double> v = values(m);
  const auto [lowest, highest] = std::minmax_element(v.begin(), v.end());
  const double lo = *lowest, hi = *highest;
  const double size = 44;
  const std::int64_t rows = m.size(0), cols = m.size(1);
  doc.text(x + static_cast<double>(cols) * size / 2, y - 10, name, 14);
  grid(doc, x, y, rows, cols, size, [&](std::int64_t r, std::int64_t c) {
    const double value = v[r * cols + c], t = hi > lo ? (value - lo) / (hi - lo) : 0.5;
    return std::pair<std::string, std::string>{
        svg::colour_at({"#f7fbff", "#9ecae1", "#3182bd", "#08306b"}, t), svg::number(value, decimals)};
  });
  doc.text(x + static_cast<double>(cols) * size / 2, y + static_cast<double>(rows) * size + 18, shape_text(m),
           12, svg::Anchor::middle, 0, "#555555");
  return x + static_cast<double>(cols) * size;
}

}  // namespace

std::string head_split_svg() {
  // x[0, token, feature] = token·100 + feature: every cell knows where it came from.
  const std::int64_t L = 4, E = 8, h = 2, dk = E / h;
  std::vector<double> codes;
  for (std::int64_t t = 0; t < L; ++t)
    for (std::int64_t f = 0; f < E; ++f) codes.push_back(static_cast<double>(t * 100 + f));
  const Tensor x = tensor(codes, {1, L, E});
  const Tensor split = x.view({1, L, h, dk}).transpose(1, 2);  // what MultiHeadAttention::split_heads does
  const Tensor wrong = x.view({1, h, L, dk});                  // the same numbers, read in the wrong order
  const Tensor merged = split.transpose(1, 2).contiguous().view({1, L, E});

  svg::Document doc(900, 560);
  doc.rect(0, 0, 900, 560, "#ffffff");
  doc.text(450, 26, "Splitting d_model = 8 into h = 2 heads of d_k = 4 (B = 1, L = 4)", 16);
  // The input: one row per token, coloured by token.
  const double size = 26;
  doc.text(40, 62, "x " + shape_text(x) + ": one row per token", 13, svg::Anchor::start);
  const std::vector<double> xv = values(x[0]);
  grid(doc, 110, 74, L, E, size, [&](std::int64_t r, std::int64_t c) {
    const int code = static_cast<int>(xv[r * E + c]);
    return std::pair<std::string, std::string>{kTokenColours[code / 100], feature_label(code)};
  });
  for (std::int64_t t = 0; t < L; ++t)
    doc.text(100, 74 + static_cast<double>(t) * size + 17, kTokens[t], 12, svg::Anchor::end);
  doc.line(110 + 4 * size, 70, 110 + 4 * size, 74 + 4 * size + 4, "#222222", 2, "4 3");

  heads(doc, 40, 250, split[0],
        "right: view([1, 4, 2, 4]).transpose(1, 2) → " + shape_text(split) + ": each row is still one token");
  heads(doc, 480, 250, wrong[0],
        "wrong: view([1, 2, 4, 4]) → " + shape_text(wrong) + ": rows mix two tokens");
  doc.text(480, 392, "head 1 gets only I and am, head 2 only a and student;", 12.5, svg::Anchor::start, 0,
           "#b30000");
  doc.text(480, 408, "each \"position\" is half a token", 12.5, svg::Anchor::start, 0, "#b30000");

  const std::vector<double> mv = values(merged[0]);
  doc.text(40, 452,
           "merged back: transpose(1, 2).contiguous().view([1, 4, 8]) → " + shape_text(merged) +
               (mv == xv ? ", equal to x" : ", NOT equal to x"),
           13, svg::Anchor::start);
  grid(doc, 110, 464, L, E, 22, [&](std::int64_t r, std::int64_t c) {
    const int code = static_cast<int>(mv[r * E + c]);
    return std::pair<std::string, std::string>{kTokenColours[code / 100], feature_label(code)};
  });
  return doc.str();
}

std::string qkv_scores_svg() {
  // Lecture 003's toy (chapter 5's example): 3 tokens of 4 features, projections to d_k = 3.
  const Tensor x = tensor({1, 0, 1, 0, 0, 2, 0, 2, 1, 1, 1, 1}, {3, 4});
  const Tensor W_q = tensor({1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1}, {4, 3});
  const Tensor W_k = tensor({0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0}, {4, 3});
  const Tensor W_v = tensor({0, 2, 0, 0, 3, 0, 1, 0, 3, 1, 1, 0}, {4, 3});
  const Tensor Q = matmul(x, W_q), K = matmul(x, W_k), V = matmul(x, W_v);
  const Tensor scores = matmul(Q, K.transpose(0, 1));
  const Tensor weights = attention_weights(Q, K);  // softmax(Q·Kᵀ / √3), row by row
  const Tensor out = matmul(weights, V);

  svg::Document doc(940, 430);
  doc.rect(0, 0, 940, 430, "#ffffff");
  doc.text(500, 26, "Scaled dot-product attention on lecture 003's toy: 3 tokens, d_k = 3", 16);
  // Kᵀ sits above the scores, Q to their left: score[i][j] is row i of Q against column j of Kᵀ.
  const double y = 245, mid = y + 72;
  double right = matrix(doc, 20, y, "Q", Q, 2);
  doc.text(right + 19, mid, "·", 24);
  matrix(doc, 190, 66, "Kᵀ", K.transpose(0, 1), 2);
  right = matrix(doc, 190, y, "scores Q·Kᵀ", scores, 2);
  doc.text(right + 55, mid - 12, "softmax(· / √3)", 12.5);
  doc.text(right + 55, mid + 6, "→", 20);
  right = matrix(doc, right + 110, y, "weights", weights, 2);
  doc.text(right + 19, mid, "·", 24);
  right = matrix(doc, right + 38, y, "V", V, 2);
  doc.text(right + 19, mid, "=", 20);
  matrix(doc, right + 38, y, "output", out, 2);
  doc.text(20, 418, "Each row of weights sums to 1: token i's output is that mixture of the rows of V.", 12.5,
           svg::Anchor::start, 0, "#444444");
  return doc.str();
}

}  // namespace sf::pictures
