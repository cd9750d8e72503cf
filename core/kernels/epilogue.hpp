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
#include <type_traits>

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
/// The steps after the sum on rows of a tile, one variant per combination of steps: each loop then
/// has no test of its own inside, and the compiler turns it into vector instructions (the mask's
/// 64-bit hashes included). `first` is the draw of the tile's element (0, 0), `residual` points at
/// its (0, 0) too. (Local copies of the settings: C's stores cannot change them under the loop.)
template <class T, bool kRelu, bool kDropout, bool kResidual>
void epilogue_rows(T* c, std::int64_t rs_c, std::int64_t m, std::int64_t n, std::uint64_t key,
                   std::uint64_t first, std::int64_t columns, float threshold, T scale, const T* residual,
                   std::int64_t residual_stride) {
  for (std::int64_t i = 0; i < m; ++i) {
    T* __restrict ci = c + i * rs_c;
    const T* __restrict ri = kResidual ? residual + i * residual_stride : nullptr;
    std::uint64_t word = stream_word(key, first + static_cast<std::uint64_t>(i * columns));  // (i, 0)'s
    for (std::int64_t j = 0; j < n; ++j, word += kStreamStep) {
      T v = ci[j];
      if constexpr (kRelu) v = v > T(0) ? v : T(0);
      if constexpr (kDropout)  // as dropout_apply: u < p ⟺ 24 bits < p·2^24
        v = static_cast<float>(mix64(word) >> 40) >= threshold ? v * scale : T(0);
      if constexpr (kResidual) v = ri[j] + v;
      ci[j] = v;
    }
  }
}

/// The other steps, on a tile of C whose sum is complete (c at element (i0, j0), m×n): the ReLU,
/// dropout and the residual add.
template <class T>
void epilogue_finish(const Epilogue<T>& e, T* c, std::int64_t rs_c, std::int64_t i0, std::int64_t j0,
                     std::int64_t m, std::int64_t n) {
  const std::uint64_t first = e.start + static_cast<std::uint64_t>(i0 * e.columns + j0);
  const T* residual = e.residual ? e.residual + i0 * e.residual_stride + j0 : nullptr;
  const float threshold = e.p * 16777216.0f;
  // Each run-time choice becomes a compile-time one (std::true_type or std::false_type), and the
  // three pick the variant of epilogue_rows.
  auto choose = [](bool b, auto then) { return b ? then(std::true_type{}) : then(std::false_type{}); };
  choose(e.relu, [&](auto relu) {
    choose(e.p > 0, [&](auto dropout) {
      choose(residual != nullptr, [&](auto add) {
        epilogue_rows<T, relu, dropout, add>(c, rs_c, m, n, e.key, first, e.columns, threshold, e.scale,
                                             residual, e.residual_stride);
      });
    });
  });
}
// [doc:end]

}  // namespace sf::kernels
