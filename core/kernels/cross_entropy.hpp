// cross_entropy.hpp: the loss of one row of logits, and its gradient, from log-sum-exp.
//
//   lse = m + log Σ_c e^(z_c - m)         (m = max z: every exponent ≤ 0, nothing overflows)
//   log p_t = z_t - lse                    never log(0)
//   loss = -(1-ε)·log p_t - ε·mean_c log p_c
//   ∂loss/∂z_c = p_c - q_c,   q = (1-ε)·onehot(t) + ε/C
#pragma once

#include <cmath>
#include <cstdint>

#include "core/kernels/layer_norm.hpp"
#include "core/kernels/math.hpp"
#include "core/kernels/softmax.hpp"

namespace sf::kernels {

// [doc:cross-entropy-row]
/// The loss of one row z[0..C) with target t; stores the row's log-sum-exp in *lse.
template <class T>
double cross_entropy_row(const T* z, std::int64_t C, std::int64_t t, double smoothing, T* lse) {
  const T m = row_max(z, C, 1);
  T lane[16] = {};  // Σ e^(z - m) in 16 fixed lanes (deterministic on every instruction set)
  std::int64_t c = 0;
  for (; c + 16 <= C; c += 16)
    for (int j = 0; j < 16; ++j) lane[j] += exp_of(z[c + j] - m);
  for (; c < C; ++c) lane[c % 16] += exp_of(z[c] - m);
  for (int w = 8; w >= 1; w /= 2)
    for (int j = 0; j < w; ++j) lane[j] += lane[j + w];
  *lse = m + std::log(lane[0]);
  const double mean_log_p =
      static_cast<double>(lane_sum(z, C)) / static_cast<double>(C) - static_cast<double>(*lse);
  const double log_p_target = static_cast<double>(z[t]) - static_cast<double>(*lse);
  return -(1 - smoothing) * log_p_target - smoothing * mean_log_p;
}
// [doc:end]

/// dz[c] = (e^(z_c - lse) - q_c) · scale for one row.
template <class T>
void cross_entropy_row_backward(T* dz, const T* z, std::int64_t C, std::int64_t t, double smoothing, T lse,
                                T scale) {
  const T off = static_cast<T>(smoothing / static_cast<double>(C)), on = static_cast<T>(1 - smoothing) + off;
  for (std::int64_t c = 0; c < C; ++c) dz[c] = (exp_of(z[c] - lse) - off) * scale;
  dz[t] -= (on - off) * scale;
}

}  // namespace sf::kernels
