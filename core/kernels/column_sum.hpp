// column_sum.hpp: sums over the rows of a [rows, cols] matrix (a bias's gradient), the same bits
// whatever the number of threads: fixed chunks of 64 rows, each summed on its own, then the chunks
// in order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/parallel/thread_pool.hpp"

namespace sf::kernels {

/// Rows per chunk of the column sums: the unit of work on a thread, and of the fixed summation order.
inline constexpr std::int64_t kColumnSumChunk = 64;

// [doc:column-sum-of]
/// out[j] = Σ_i x[i·cols + j], where `produce(r0, r1)` first writes rows [r0, r1) of x: a pass that
/// computes x (the gradient through a ReLU or a dropout mask) and its column sum in one, each chunk
/// of rows summed while it is still in the cache.
template <class T, class Produce>
void column_sum_of(T* out, const T* x, std::int64_t rows, std::int64_t cols, Produce&& produce) {
  const std::int64_t chunks = (rows + kColumnSumChunk - 1) / kColumnSumChunk;
  std::vector<T> partial(static_cast<std::size_t>(chunks * cols), T(0));
  parallel_for(chunks, 1, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t c = c0; c < c1; ++c) {
      const std::int64_t r0 = c * kColumnSumChunk, r1 = std::min(rows, r0 + kColumnSumChunk);
      produce(r0, r1);
      T* p = partial.data() + c * cols;
      for (std::int64_t i = r0; i < r1; ++i)
        for (std::int64_t j = 0; j < cols; ++j) p[j] += x[i * cols + j];
    }
  });
  std::fill(out, out + cols, T(0));
  for (std::int64_t c = 0; c < chunks; ++c)
    for (std::int64_t j = 0; j < cols; ++j) out[j] += partial[static_cast<std::size_t>(c * cols + j)];
}
// [doc:end]

/// out[j] = Σ_i x[i·cols + j], x already written.
template <class T>
void column_sum(T* out, const T* x, std::int64_t rows, std::int64_t cols) {
  column_sum_of(out, x, rows, cols, [](std::int64_t, std::int64_t) {});
}

}  // namespace sf::kernels
