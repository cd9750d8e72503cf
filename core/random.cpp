// random.cpp: the counter-based generator and its distributions (see random.hpp for why).
#include "core/random.hpp"

#include <cmath>

#include "core/error.hpp"

namespace sf {

std::uint64_t Generator::key() const { return mix64(state_.seed); }

double Generator::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

float Generator::uniform_float() { return uniform_float_from_bits(next_u64()); }

double Generator::normal() {
  // Marsaglia's polar method: a point uniform in the unit disc, (u, v) with s = u² + v² < 1,
  // gives u·sqrt(-2 ln s / s) ~ N(0, 1). Only sqrt (correctly rounded by IEEE 754) and our own
  // log are used, so the value is the same on every machine. The second normal is discarded to
  // keep the state a plain counter.
  for (;;) {
    const double u = 2.0 * uniform() - 1.0;
    const double v = 2.0 * uniform() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * portable_log(s) / s);
  }
}

std::int64_t Generator::randint(std::int64_t low, std::int64_t high) {
  if (low >= high) fail<ValueError>("randint: empty range [", low, ", ", high, ")");
  const std::uint64_t range = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  // Reject the lowest (2^64 mod range) values so that every residue is equally likely.
  const std::uint64_t threshold = (0 - range) % range;
  for (;;) {
    const std::uint64_t x = next_u64();
    if (x >= threshold) return low + static_cast<std::int64_t>(x % range);
  }
}

double portable_log(double x) {
  if (!(x > 0.0) || std::isinf(x))
    fail<ValueError>("portable_log: argument must be positive and finite, got ", x);
  // x = m · 2^e with m in [√½, √2), then ln x = e·ln 2 + ln m, and with z = (m−1)/(m+1),
  // ln m = 2·atanh z = 2(z + z³/3 + z⁵/5 + ...). |z| ≤ 0.172, so 13 terms reach double precision.
  int e = 0;
  double m = std::frexp(x, &e);  // exact: m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    e -= 1;
  }
  const double z = (m - 1.0) / (m + 1.0);
  const double z2 = z * z;
  double series = 1.0 / 27.0;
  for (int k = 25; k >= 3; k -= 2) series = 1.0 / k + z2 * series;  // Horner, 1/3 + z²/5 + ...
  const double ln_m = 2.0 * z + 2.0 * z * z2 * series;
  // ln 2 split in a high part with trailing zero bits (so e·hi is exact) and a low correction.
  const double ln2_hi = 6.93147180369123816490e-01;
  const double ln2_lo = 1.90821492927058770002e-10;
  return e * ln2_hi + (ln_m + e * ln2_lo);
}

Generator& default_generator() {
  static Generator generator(0);
  return generator;
}

void manual_seed(std::uint64_t seed) { default_generator().set_state({seed, 0}); }

}  // namespace sf
