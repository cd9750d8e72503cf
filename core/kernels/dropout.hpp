// dropout.hpp: the dropout mask, applied without ever being stored.
//
// Element i is kept when the 24-bit uniform number of draw (start + i) of a counter-based stream is
// at least p. The decision depends only on (key, start + i), so the backward pass recomputes the
// same mask instead of saving it, and any split of [0, n) across threads gives the same bits.
#pragma once

#include <cstdint>

#include "core/random.hpp"

namespace sf::kernels {

/// out[i] = keep(i) ? in[i]·scale : 0 for i in [begin, end). Forward (in = x) and backward
/// (in = dout) are the same loop: ∂(x·scale·keep)/∂x = scale·keep.
template <class T>
void dropout_apply(T* out, const T* in, std::int64_t begin, std::int64_t end, std::uint64_t key,
                   std::uint64_t start, float p, T scale) {
  const float threshold = p * 16777216.0f;  // u < p  ⟺  (24 random bits) < p·2^24, exactly
  std::uint64_t word = stream_word(key, start + static_cast<std::uint64_t>(begin));  // draw start + i's
  for (std::int64_t i = begin; i < end; ++i, word += kStreamStep) {
    const bool keep = static_cast<float>(mix64(word) >> 40) >= threshold;
    // in[i] is read for every i: read only under the condition, GCC 12 turns it into a masked load
    // through a stack slot on every step.
    const T kept = in[i] * scale;
    out[i] = keep ? kept : T(0);
  }
}

// [doc:relu-dropout-kernel]
/// out[i] = keep(i) && in[i] > 0 ? in[i]·scale : 0 for i in [begin, end): dropout of relu(in) in one
/// pass, with the same mask as dropout_apply.
template <class T>
void relu_dropout_apply(T* out, const T* in, std::int64_t begin, std::int64_t end, std::uint64_t key,
                        std::uint64_t start, float p, T scale) {
  const float threshold = p * 16777216.0f;
  std::uint64_t word = stream_word(key, start + static_cast<std::uint64_t>(begin));
  for (std::int64_t i = begin; i < end; ++i, word += kStreamStep) {
    const bool keep = static_cast<float>(mix64(word) >> 40) >= threshold;
    out[i] = keep && in[i] > T(0) ? in[i] * scale : T(0);
  }
}

/// din[i] = out[i] > 0 ? dout[i]·scale : 0: the backward of relu_dropout_apply, from its output
/// alone. out[i] > 0 exactly where the element was kept and positive, the only places with a slope.
template <class T>
void relu_dropout_backward(T* din, const T* dout, const T* out, std::int64_t begin, std::int64_t end,
                           T scale) {
  for (std::int64_t i = begin; i < end; ++i) {
    const T passed = dout[i] * scale;  // read for every i, as in dropout_apply
    din[i] = out[i] > T(0) ? passed : T(0);
  }
}
// [doc:end]

}  // namespace sf::kernels
