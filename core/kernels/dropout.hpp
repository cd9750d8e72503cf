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
void dropout_apply(T* out, const T* in, std::int64_t begin, std::int64_t end, std::uint64_t key, std::uint64_t start,
                   float p, T scale) {
  const float threshold = p * 16777216.0f;  // u < p  ⟺  (24 random bits) < p·2^24, exactly
  for (std::int64_t i = begin; i < end; ++i) {
    const std::uint64_t bits = stream_bits(key, start + static_cast<std::uint64_t>(i));
    const bool keep = static_cast<float>(bits >> 40) >= threshold;
    out[i] = keep ? in[i] * scale : T(0);
  }
}

}  // namespace sf::kernels
