// aligned.hpp: the one aligned allocator: memory that starts on a 64-byte boundary.
//
// 64 bytes is one cache line and the width of one AVX-512 register. Everything that holds numbers
// the matrix product streams through gets its memory here: a tensor's storage (through the block
// cache, block_cache.cpp), the packing buffers of the matrix product (core/gemm/) and the operands
// the benchmarks and chapter 3's examples allocate (AlignedVector). Why it matters: an operand that
// starts part-way into a cache line makes each of its rows straddle one more line than it needs,
// and every store of the microkernel's tile pays for that (chapter 3's appendix measures it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

namespace sf {

/// The alignment of every block below, in bytes.
inline constexpr std::size_t kAlignment = 64;

/// `nbytes` uninitialised bytes starting on a kAlignment boundary; throws std::bad_alloc.
inline void* aligned_allocate(std::size_t nbytes) {
  return ::operator new (nbytes, std::align_val_t{kAlignment});
}
/// Gives back a block from aligned_allocate (null is allowed).
inline void aligned_free(void* p) noexcept { ::operator delete (p, std::align_val_t{kAlignment}); }

/// A standard allocator on aligned_allocate, for containers.
template <class T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(aligned_allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t) { aligned_free(p); }
  template <class U>
  bool operator==(const AlignedAllocator<U>&) const {
    return true;
  }
};

/// std::vector with its data on a kAlignment boundary.
/// Example: sf::AlignedVector<float> c(M * N); sgemm(M, N, K, 1.f, a, b, 0.f, {c.data(), N, 1});
template <class T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

/// A grow-only, uninitialised float buffer on aligned_allocate (the matrix product's packing
/// buffers): reserve(n) keeps the block when it already holds n floats, and otherwise replaces it
/// by a larger one without copying (the old contents are not kept).
class AlignedBuffer {
 public:
  float* reserve(std::int64_t n) {
    if (n > size_) {
      data_.reset(static_cast<float*>(aligned_allocate(sizeof(float) * static_cast<std::size_t>(n))));
      size_ = n;
    }
    return data_.get();
  }

 private:
  struct Free {
    void operator()(float* p) const { aligned_free(p); }
  };
  std::unique_ptr<float, Free> data_;
  std::int64_t size_ = 0;
};

}  // namespace sf
