// softmax.hpp: softmax and log-softmax kernels on raw pointers, forward and backward.
//
// The data is viewed as [outer, n, inner] (contiguous) and each of the outer·inner rows of n
// elements, spaced `inner` apart, is normalised on its own. The forward subtracts the row's maximum
// before exponentiating: softmax(x) = softmax(x - c) for any c, and with c = max every exponent is
// ≤ 0, so exp never overflows (softmax(112, 96) is fine without it in double, but not 1120, 960).
//
// The backward passes never build the n×n Jacobian J = diag(y) - y·yᵀ. Its product with the
// incoming gradient collapses to one dot product per row:
//     softmax:      dx = Jᵀ·dy = y ⊙ (dy - ⟨dy, y⟩)
//     log-softmax:  dx = dy - softmax(x) · Σ dy        (with softmax(x) = e^y)
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "core/kernels/math.hpp"

namespace sf::kernels {

// [doc:softmax-forward]
/// The largest of the n entries x[0], x[stride], ... (-inf for an empty row).
template <class T>
T row_max(const T* x, std::int64_t n, std::int64_t stride) {
  T m = -std::numeric_limits<T>::infinity();
  std::int64_t k = 0;
  if (stride == 1) {  // 16 running maxima, one per lane of a vector: the largest is the same in any order
    T lane[16];
    for (T& l : lane) l = m;
    for (; k + 16 <= n; k += 16) {
      // Kept a loop for the vectoriser: at -O3, GCC 12 unrolls it first into 16 selects that it then
      // leaves scalar.
#pragma GCC unroll 1
      for (int j = 0; j < 16; ++j) lane[j] = x[k + j] > lane[j] ? x[k + j] : lane[j];
    }
    for (T l : lane) m = l > m ? l : m;
  }
  for (; k < n; ++k) m = x[k * stride] > m ? x[k * stride] : m;
  return m;
}

/// The two steps after the maximum m of a row: y = e^(x - m), then y divided by its sum. x may be y.
/// A row whose entries are all -inf (m = -inf, every position masked) gives all zeros instead of
/// 0/0 = NaN.
template <class T>
void exp_and_normalise(T* y, const T* x, std::int64_t n, std::int64_t stride, T m) {
  if (m == -std::numeric_limits<T>::infinity()) {
    for (std::int64_t k = 0; k < n; ++k) y[k * stride] = T(0);
    return;
  }
  // The exponentials first, in a loop of their own that the compiler vectorises; then their sum, in
  // order (a float sum's bits depend on the order).
  if (stride == 1) {
    for (std::int64_t k = 0; k < n; ++k) y[k] = exp_of(x[k] - m);
  } else {
    for (std::int64_t k = 0; k < n; ++k) y[k * stride] = exp_of(x[k * stride] - m);
  }
  T total = 0;
  for (std::int64_t k = 0; k < n; ++k) total += y[k * stride];
  const T inv = T(1) / total;
  for (std::int64_t k = 0; k < n; ++k) y[k * stride] *= inv;
}

/// y = softmax(x) along the middle axis of [outer, n, inner]: max, exp, normalise, row by row.
template <class T>
void softmax_forward(T* y, const T* x, std::int64_t outer, std::int64_t n, std::int64_t inner) {
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < inner; ++i) {
      const T* xr = x + o * n * inner + i;
      exp_and_normalise(y + o * n * inner + i, xr, n, inner, row_max(xr, n, inner));
    }
}
// [doc:end]

/// One row of masked_softmax: y = softmax(x·scale) over the entries whose mask byte is 0 (mask may be
/// null; mask_step is 0 when one mask value covers the row). All masked: zeros.
template <class T>
void masked_softmax_row(T* y, const T* x, std::int64_t n, T scale, const bool* mask, std::int64_t mask_step) {
  if (mask) {
    for (std::int64_t k = 0; k < n; ++k)
      y[k] = mask[k * mask_step] ? -std::numeric_limits<T>::infinity() : x[k] * scale;
  } else {
    for (std::int64_t k = 0; k < n; ++k) y[k] = x[k] * scale;
  }
  exp_and_normalise(y, y, n, 1, row_max(y, n, 1));
}

// [doc:softmax-backward]
/// dx = y ⊙ (dy - ⟨dy, y⟩) row by row (y is the forward output).
template <class T>
void softmax_backward(T* dx, const T* y, const T* dy, std::int64_t outer, std::int64_t n,
                      std::int64_t inner) {
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < inner; ++i) {
      const std::int64_t base = o * n * inner + i;
      T dot = 0;
      for (std::int64_t k = 0; k < n; ++k) dot += dy[base + k * inner] * y[base + k * inner];
      for (std::int64_t k = 0; k < n; ++k)
        dx[base + k * inner] = y[base + k * inner] * (dy[base + k * inner] - dot);
    }
}
// [doc:end]

/// y = log softmax(x) = x - max - log Σ e^(x - max), row by row.
template <class T>
void log_softmax_forward(T* y, const T* x, std::int64_t outer, std::int64_t n, std::int64_t inner) {
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < inner; ++i) {
      const T* xr = x + o * n * inner + i;
      T* yr = y + o * n * inner + i;
      const T m = row_max(xr, n, inner);
      if (m == -std::numeric_limits<T>::infinity()) {  // every entry -inf: log of all-zero weights
        for (std::int64_t k = 0; k < n; ++k) yr[k * inner] = m;
        continue;
      }
      T total = 0;
      for (std::int64_t k = 0; k < n; ++k) total += exp_of(xr[k * inner] - m);
      const T log_total = std::log(total);
      for (std::int64_t k = 0; k < n; ++k) yr[k * inner] = xr[k * inner] - m - log_total;
    }
}

/// dx = dy - e^y · Σ dy row by row (y is the forward output).
template <class T>
void log_softmax_backward(T* dx, const T* y, const T* dy, std::int64_t outer, std::int64_t n,
                          std::int64_t inner) {
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < inner; ++i) {
      const std::int64_t base = o * n * inner + i;
      T total = 0;
      for (std::int64_t k = 0; k < n; ++k) total += dy[base + k * inner];
      for (std::int64_t k = 0; k < n; ++k)
        dx[base + k * inner] = dy[base + k * inner] - exp_of(y[base + k * inner]) * total;
    }
}

}  // namespace sf::kernels
