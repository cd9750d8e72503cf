// layer_norm.hpp: LayerNorm over the last axis in one pass per row, forward and backward.
//
// The plain layer_norm (core/ops/layer_norm.cpp) is written with tensor ops: a mean, a variance, a
// subtraction, a square root, a division, γ and β, each its own pass over memory with its own saved
// tensor. These kernels do the same arithmetic row by row while the row is in cache, and save only
// each row's mean and 1/std.
//
// Sums use 16 partial accumulators in a fixed pattern (element i goes to lane i mod 16), combined
// in a fixed order, so the result is the same whether the compiler uses AVX-512, AVX2 or scalar
// code; the γ/β gradients are summed over fixed 64-row chunks whatever the thread count. The backward
// reads dy and x once, for dx and the γ/β sums together.
#pragma once

#include <cmath>
#include <cstdint>

namespace sf::kernels {

/// Σ x[i] for i < n with 16 lanes (deterministic on every instruction set).
template <class T>
T lane_sum(const T* x, std::int64_t n) {
  T lane[16] = {};
  std::int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; ++j) lane[j] += x[i + j];
  for (; i < n; ++i) lane[i % 16] += x[i];
  for (int w = 8; w >= 1; w /= 2)
    for (int j = 0; j < w; ++j) lane[j] += lane[j + w];
  return lane[0];
}

/// Σ x[i]·y[i] with the same lanes.
template <class T>
T lane_dot(const T* x, const T* y, std::int64_t n) {
  T lane[16] = {};
  std::int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; ++j) lane[j] += x[i + j] * y[i + j];
  for (; i < n; ++i) lane[i % 16] += x[i] * y[i];
  for (int w = 8; w >= 1; w /= 2)
    for (int j = 0; j < w; ++j) lane[j] += lane[j + w];
  return lane[0];
}

/// Rows [r0, r1) of y = (x - mean) · rstd · γ + β, x [rows, d]; mean and rstd (1/√(var + ε)) saved
/// per row. gamma/beta may be null.
template <class T>
void layer_norm_forward(T* y, T* mean, T* rstd, const T* x, const T* gamma, const T* beta, std::int64_t r0,
                        std::int64_t r1, std::int64_t d, double eps) {
  for (std::int64_t r = r0; r < r1; ++r) {
    const T* xr = x + r * d;
    T* yr = y + r * d;
    const T mu = lane_sum(xr, d) / static_cast<T>(d);
    for (std::int64_t i = 0; i < d; ++i) yr[i] = xr[i] - mu;  // centred, kept in y for the variance
    const T var = lane_dot(yr, yr, d) / static_cast<T>(d);    // population variance, two passes
    const T rs = static_cast<T>(1) / std::sqrt(var + static_cast<T>(eps));
    for (std::int64_t i = 0; i < d; ++i) {
      T v = yr[i] * rs;
      if (gamma) v = v * gamma[i];
      if (beta) v = v + beta[i];
      yr[i] = v;
    }
    mean[r] = mu;
    rstd[r] = rs;
  }
}

// [doc:layer-norm-backward]
/// Rows [r0, r1) of the backward, in one pass over dy and x. With x̂ = (x - mean)·rstd and g = dy·γ:
///   dx = rstd · (g - mean(g) - x̂ · mean(g·x̂))            (when dx is not null)
///   dγ = Σ_rows dy·x̂,  dβ = Σ_rows dy                      (when dgamma is not null)
/// The sums of dγ and dβ cover these rows only, written (not added) into dgamma and dbeta (length d
/// each): the caller adds the chunks' shares in a fixed order. `scratch` holds 2·d elements.
template <class T>
void layer_norm_backward(T* dx, T* dgamma, T* dbeta, const T* dy, const T* x, const T* mean, const T* rstd,
                         const T* gamma, std::int64_t r0, std::int64_t r1, std::int64_t d, T* scratch) {
  T* g = scratch;
  T* xhat = scratch + d;
  if (dgamma)
    for (std::int64_t i = 0; i < d; ++i) dgamma[i] = dbeta[i] = T(0);
  for (std::int64_t r = r0; r < r1; ++r) {
    const T* xr = x + r * d;
    const T* dyr = dy + r * d;
    // The row's mean and 1/std in locals: read through the pointers, the compiler would have to load
    // them again after every store to xhat (which, for all it knows, could point at them), and the
    // loop would stay scalar.
    const T mu = mean[r], rs = rstd[r];
    for (std::int64_t i = 0; i < d; ++i) xhat[i] = (xr[i] - mu) * rs;
    if (gamma)
      for (std::int64_t i = 0; i < d; ++i) g[i] = dyr[i] * gamma[i];
    else
      for (std::int64_t i = 0; i < d; ++i) g[i] = dyr[i];
    if (dgamma) {
      for (std::int64_t i = 0; i < d; ++i) {
        dgamma[i] += dyr[i] * xhat[i];
        dbeta[i] += dyr[i];
      }
    }
    if (dx) {
      const T mean_g = lane_sum(g, d) / static_cast<T>(d);
      const T mean_gx = lane_dot(g, xhat, d) / static_cast<T>(d);
      T* dxr = dx + r * d;
      for (std::int64_t i = 0; i < d; ++i) dxr[i] = rs * (g[i] - mean_g - xhat[i] * mean_gx);
    }
  }
}
// [doc:end]

}  // namespace sf::kernels
