// strided_loop.hpp: walking N strided arrays of one shape together, row by row.
//
// Every elementwise op and reduction is "for each index i of a shape, read a[i·sa], b[i·sb], write
// out[i·so]". This file is the one loop that does that, on shapes and strides only (no tensors, no
// pointers): it calls body(n, offsets, inner_strides) once per innermost row, where offsets[k] is
// where row starts in array k and inner_strides[k] the step between its n elements. The body is a
// plain 1-D loop the compiler can vectorise when the inner strides are 1.
//
// Before looping, size-1 dimensions are dropped and neighbouring dimensions that are laid out
// back to back in every array are merged, so a contiguous tensor of any shape is one long row.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/shape.hpp"

namespace sf::kernels {

template <std::size_t N>
using Offsets = std::array<std::int64_t, N>;

/// Calls body(std::int64_t n, const Offsets<N>& start, const Offsets<N>& step) for every innermost
/// row of `shape`, in row-major order. strides[k] are array k's strides (0 on broadcast dimensions).
template <std::size_t N, class Body>
void for_each_row(const Shape& shape, const std::array<Strides, N>& strides, Body&& body) {
  constexpr int kMax = Dims::kMaxDims;
  std::int64_t sizes[kMax];
  std::int64_t st[N][kMax];
  int nd = 0;
  for (std::int64_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 0) return;
    if (shape[d] == 1) continue;
    bool merge = nd > 0;
    for (std::size_t k = 0; k < N && merge; ++k) merge = st[k][nd - 1] == strides[k][d] * shape[d];
    if (merge) {
      sizes[nd - 1] *= shape[d];
      for (std::size_t k = 0; k < N; ++k) st[k][nd - 1] = strides[k][d];
    } else {
      sizes[nd] = shape[d];
      for (std::size_t k = 0; k < N; ++k) st[k][nd] = strides[k][d];
      ++nd;
    }
  }
  Offsets<N> offset{};
  if (nd == 0) {  // a single element
    body(std::int64_t{1}, offset, offset);
    return;
  }
  const int inner = nd - 1;
  Offsets<N> step;
  for (std::size_t k = 0; k < N; ++k) step[k] = st[k][inner];
  std::int64_t index[kMax] = {};
  for (;;) {
    body(sizes[inner], offset, step);
    // Advance the outer index like an odometer, updating every array's offset.
    int d = inner - 1;
    for (; d >= 0; --d) {
      ++index[d];
      for (std::size_t k = 0; k < N; ++k) offset[k] += st[k][d];
      if (index[d] < sizes[d]) break;
      for (std::size_t k = 0; k < N; ++k) offset[k] -= st[k][d] * sizes[d];
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

}  // namespace sf::kernels
