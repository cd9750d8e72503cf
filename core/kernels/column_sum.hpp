// column_sum.hpp: sums over the rows of a [rows, cols] matrix (a bias's gradient), the same bits
// whatever the number of threads: fixed chunks of 64 rows, each summed on its own, then the chunks
// in order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/parallel/thread_pool.hpp"

namespace sf::kernels {

/// out[j] = Σ_i x[i·cols + j].
template <class T>
void column_sum(T* out, const T* x, std::int64_t rows, std::int64_t cols) {
  const std::int64_t chunks = (rows + 63) / 64;
  std::vector<T> partial(static_cast<std::size_t>(chunks * cols), T(0));
  parallel_for(chunks, 1, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t c = c0; c < c1; ++c) {
      T* p = partial.data() + c * cols;
      for (std::int64_t i = c * 64; i < std::min(rows, (c + 1) * 64); ++i)
        for (std::int64_t j = 0; j < cols; ++j) p[j] += x[i * cols + j];
    }
  });
  std::fill(out, out + cols, T(0));
  for (std::int64_t c = 0; c < chunks; ++c)
    for (std::int64_t j = 0; j < cols; ++j) out[j] += partial[static_cast<std::size_t>(c * cols + j)];
}

}  // namespace sf::kernels
