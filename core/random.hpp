// random.hpp: our own seeded random generator, bit-identical on every machine and standard library.
//
// The standard library's engines are portable but its distributions (std::normal_distribution, ...)
// are not: libstdc++, libc++ and MSVC give different numbers for the same seed. Examples must print
// the same numbers everywhere, so every distribution here is written out with plain IEEE arithmetic.
//
// The generator is counter-based (SplitMix64's output function applied to seed-key + n·γ): the n-th
// draw depends only on (seed, n). So a kernel can fill element i from draw offset + i on any thread,
// and the result does not depend on how the work was split.
#pragma once

#include <cstdint>

namespace sf {

/// SplitMix64's finaliser (Steele, Lea and Flood 2014): a bijection on 64-bit words whose outputs on
/// consecutive inputs pass the standard statistical test batteries.
inline std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// The step between the words mix64 turns into consecutive draws: γ = 2^64 / golden ratio, odd.
inline constexpr std::uint64_t kStreamStep = 0x9e3779b97f4a7c15ULL;

/// The word mix64 turns into draw `index` of the stream with key `key`. Draw index + 1 comes from this
/// word + kStreamStep (mod 2^64), so a kernel drawing consecutive numbers (a dropout mask) adds the
/// step instead of multiplying by it: the same bits, one 64-bit multiply fewer per draw.
inline std::uint64_t stream_word(std::uint64_t key, std::uint64_t index) {
  return key + (index + 1) * kStreamStep;
}

/// Draw `index` of the stream with key `key` (Generator::key()). Inline so that kernels drawing many
/// numbers compile it into their loops.
inline std::uint64_t stream_bits(std::uint64_t key, std::uint64_t index) {
  return mix64(stream_word(key, index));
}

class Generator {
 public:
  /// Everything needed to resume the stream exactly (saved in checkpoints).
  struct State {
    std::uint64_t seed = 0;
    std::uint64_t counter = 0;
  };

  explicit Generator(std::uint64_t seed = 0) : state_{seed, 0} {}

  /// The next 64 random bits.
  std::uint64_t next_u64() { return bits_at(state_.counter++); }
  /// The draw at position `index` of this stream, without advancing it.
  std::uint64_t bits_at(std::uint64_t index) const { return stream_bits(key(), index); }
  /// The key of this stream: the seed, scrambled so that streams of nearby seeds are unrelated.
  std::uint64_t key() const;
  /// Advances the stream by n draws (after a kernel used bits_at(counter .. counter+n-1)).
  void skip(std::uint64_t n) { state_.counter += n; }

  /// Uniform in [0, 1), 53 random bits.
  double uniform();
  /// Uniform in [0, 1) as a float, 24 random bits (so every value is exact).
  float uniform_float();
  /// Standard normal N(0, 1), Marsaglia's polar method.
  double normal();
  /// Uniform integer in [low, high), without modulo bias. Requires low < high.
  std::int64_t randint(std::int64_t low, std::int64_t high);

  State state() const { return state_; }
  void set_state(State s) { state_ = s; }

 private:
  State state_;
};

/// 24 random bits of `bits` as a float uniform in [0, 1): the same map uniform_float() uses, for
/// kernels that draw with Generator::bits_at.
inline float uniform_float_from_bits(std::uint64_t bits) {
  return static_cast<float>(bits >> 40) * (1.0f / 16777216.0f);
}

/// Natural logarithm computed with +, -, *, / only (not the C library's log, whose last bit varies
/// between implementations). Accurate to about 1 ulp for x > 0.
double portable_log(double x);

/// The process-wide default generator, used when a function is not given one.
Generator& default_generator();
/// Reseeds the default generator (tests and examples call this first).
void manual_seed(std::uint64_t seed);

}  // namespace sf
