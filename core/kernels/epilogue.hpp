// epilogue.hpp: what a linear layer does to its output after the matrix product, one tile at a time.
//
// A linear layer is rarely followed by nothing. In a Transformer its output gets a bias, then often a
// ReLU and dropout (the feed-forward's first layer), or dropout and the residual add (the last
// projection of a sub-layer). Done as separate ops, each of these is a pass over the whole output:
// read it from memory, change it, write it back. Done here, they run on each tile of C right after
// the matrix product stored it, while the tile is still in the L1 cache (core/gemm/dispatch.cpp):
// the output travels to memory once.
//
//   C[i, j] = residual[i, j] + dropout_ij( act( Σ_k A[i, k]·B[k, j] + bias[j] ) )
//
// Every step is optional. The bits are those of the separate ops in a row: the bias goes in right
// after the first KC slice of the sum, where the unfused linear would have written it into C before
// the product (so sum + bias is rounded once, in the same order), and the rest after the last slice,
// with the expressions of core/kernels/dropout.hpp. The dropout mask is the counter-based one of the
// dropout op: element (i, j) is draw start + i·columns + j of the stream, as for the flat output.
#pragma once

#include <cstdint>

#include "core/kernels/dropout.hpp"

namespace sf::kernels {

template <class T>
struct Epilogue {
  const T* bias = nullptr;  // [columns], added to every row; nullptr: no bias
  bool relu = false;        // max(0, ·) after the bias
  // Dropout after the activation (p == 0: none): keep (i, j) with probability 1 - p, times `scale`.
  float p = 0;
  T scale = 1;
  std::uint64_t key = 0, start = 0;  // the stream and the draw of element (0, 0)
  std::int64_t columns = 0;          // the row length of the output (the flat index is i·columns + j)
  // Added last: residual[i·residual_stride + j]; nullptr: none.
  const T* residual = nullptr;
  std::int64_t residual_stride = 0;

  /// Whether any step runs after the sum is complete.
  bool has_finish() const { return relu || p > 0 || residual != nullptr; }
};

/// The first step, on a tile of C (c points at element (i0, j0), rows rs_c apart, m×n): the bias,
/// right after the product's first KC slice was stored.
template <class T>
void epilogue_bias(const Epilogue<T>& e, T* c, std::int64_t rs_c, std::int64_t j0, std::int64_t m,
                   std::int64_t n) {
  if (e.bias == nullptr) return;
  const T* b = e.bias + j0;
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) c[i * rs_c + j] += b[j];
}

// [doc:epilogue-finish]
/// The other steps, on a tile of C whose sum is complete (c at element (i0, j0), m×n): the ReLU,
/// dropout and the residual add.
template <class T>
void epilogue_finish(const Epilogue<T>& e, T* c, std::int64_t rs_c, std::int64_t i0, std::int64_t j0,
                     std::int64_t m, std::int64_t n) {
  const float threshold = e.p * 16777216.0f;  // as dropout_apply: u < p ⟺ 24 bits < p·2^24
  for (std::int64_t i = 0; i < m; ++i) {
    T* ci = c + i * rs_c;
    const std::uint64_t row_start = e.start + static_cast<std::uint64_t>((i0 + i) * e.columns + j0);
    for (std::int64_t j = 0; j < n; ++j) {
      T v = ci[j];
      if (e.relu) v = v > T(0) ? v : T(0);
      if (e.p > 0) {
        const std::uint64_t bits = stream_bits(e.key, row_start + static_cast<std::uint64_t>(j));
        v = static_cast<float>(bits >> 40) >= threshold ? v * e.scale : T(0);
      }
      if (e.residual != nullptr) v = e.residual[(i0 + i) * e.residual_stride + j0 + j] + v;
      ci[j] = v;
    }
  }
}
// [doc:end]

}  // namespace sf::kernels
