// aligned_vector.hpp: std::vector with its data on a 64-byte boundary, for gemm operands you allocate.
//
// sf::Tensor's storage starts on a cache line (64 bytes, also one AVX-512 register). A plain
// std::vector of a few MiB does not: glibc hands large blocks out 16 bytes into a page. With
// 2048 floats per row, every row of C then straddles three cache lines instead of two, and the
// microkernel's tile stores pay for it: 2048³ ran 9% slower from a plain vector (bench_matmul,
// 234 against 255 GFLOP/s on one thread). The benchmarks and chapter 3's examples use this.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace sf::gemm {

/// An allocator whose blocks start on a 64-byte boundary.
template <class T>
struct Aligned64Allocator {
  using value_type = T;
  Aligned64Allocator() = default;
  template <class U>
  Aligned64Allocator(const Aligned64Allocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{64})); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t{64}); }
  template <class U>
  bool operator==(const Aligned64Allocator<U>&) const {
    return true;
  }
};

/// Example: sf::gemm::AlignedVector<float> c(M * N); sgemm(M, N, K, 1.f, a, b, 0.f, {c.data(), N, 1});
template <class T>
using AlignedVector = std::vector<T, Aligned64Allocator<T>>;

}  // namespace sf::gemm
