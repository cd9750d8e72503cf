// math.hpp: e^x for float kernels, written out with +, *, and bit operations.
//
// libm's expf is a function call the compiler cannot vectorise, and its last bit may differ between
// C libraries. Softmax and the loss call exp millions of times per training step, so they use this
// one: the same bits on every machine, vectorisable, accurate to about one unit in the last place.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace sf::kernels {

/// e^x for float: 0 below about -87.3 (and for -inf), inf above about 88.7.
inline float exp_float(float x) {
  // e^x = 2^k · e^r with k = round(x / ln 2) and r = x - k·ln 2, |r| ≤ ln(2)/2 ≈ 0.347.
  // Written so that a NaN takes the first branch: k stays a number (converting a NaN to an int is
  // undefined behaviour), and the NaN itself is returned at the end.
  const float clamped = x >= -87.3f ? (x <= 88.7f ? x : 88.7f) : -87.3f;
  const float k = (clamped * 1.44269504f + 12582912.0f) - 12582912.0f;  // round to nearest (1.5·2^23 trick)
  // ln 2 in two parts (Cody and Waite): k·hi is exact, lo restores the remaining digits.
  const float r = (clamped - k * 0.693145752f) - k * 1.42860677e-6f;
  // e^r by its Taylor series to r^7 (the next term is below 2^-27 relative for |r| ≤ 0.347).
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // 2^k from exponent bits, as 2^(k/2) · 2^(k - k/2): k runs from -126 to 128 after the clamp, and
  // 2^128 itself has no float, but each half does.
  const std::int32_t ki = static_cast<std::int32_t>(k), k1 = ki / 2, k2 = ki - k1;
  const std::int32_t bits1 = (k1 + 127) << 23, bits2 = (k2 + 127) << 23;
  float scale1, scale2;
  std::memcpy(&scale1, &bits1, sizeof scale1);
  std::memcpy(&scale2, &bits2, sizeof scale2);
  const float result = p * scale1 * scale2;
  return x >= -87.3f ? (x <= 88.7f ? result : INFINITY) : (x < -87.3f ? 0.0f : x);
}

/// e^x: exp_float for float (fast, portable), std::exp for double (gradient checks).
inline float exp_of(float x) { return exp_float(x); }
inline double exp_of(double x) { return std::exp(x); }

}  // namespace sf::kernels
