// ch03_matmul.hpp: what chapter 3's two example programs share (ch03_matmul.cpp prints the
// chapter's numbers; ch03_matmul_bench.cpp times them on this machine).
#pragma once
#include <cstdint>
#include <vector>

#include "core/aligned.hpp"
#include "core/core.hpp"
#include "core/gemm/gemm.hpp"

namespace ch03 {

using i64 = std::int64_t;
using sf::gemm::Variant;

// The ladder of docs/03-matmul.md, from the definition to the threaded product.
inline constexpr Variant kLadder[] = {Variant::naive,  Variant::loop_order,  Variant::blocked,
                                      Variant::packed, Variant::packed_simd, Variant::threaded};

// Operands start on a cache line, as a tensor's data does (core/aligned.hpp says why).
using Floats = sf::AlignedVector<float>;

// n floats uniform in [-1, 1) from our seeded generator: the same on every machine.
inline Floats random_floats(i64 n, std::uint64_t seed) {
  sf::Generator g(seed);
  Floats v(static_cast<std::size_t>(n));
  for (auto& x : v) x = 2.0f * g.uniform_float() - 1.0f;
  return v;
}

// An (M×K)·(K×N) product does M·N·K multiply-adds, 2·M·N·K floating-point operations.
inline i64 flops(i64 M, i64 N, i64 K) { return 2 * M * N * K; }

}  // namespace ch03
