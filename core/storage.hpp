// storage.hpp: Storage, the owning, aligned buffer under every tensor.
//
// A Storage is a block of bytes and nothing else: no shape, no dtype. Tensors that are views of
// each other share one Storage through a std::shared_ptr, so the memory lives as long as any view.
// Storage is move-only: copying data is always explicit (Tensor::clone()).
//
// It also carries the version counter of autograd: every in-place write bumps it, and a node that
// saved a tensor for backward checks that the version is unchanged when it uses it (autograd.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sf {

class Storage {
 public:
  /// `nbytes` uninitialised bytes, 64-byte aligned (one cache line, the width of an AVX-512
  /// register), from the block cache (block_cache.hpp), which reuses the memory of dead tensors.
  /// Throws sf::Error naming the size when the memory cannot be had (not a bare std::bad_alloc).
  explicit Storage(std::size_t nbytes);
  ~Storage();
  Storage(Storage&& other) noexcept;
  Storage& operator=(Storage&& other) noexcept;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() { return data_; }
  const void* data() const { return data_; }
  std::size_t nbytes() const { return nbytes_; }

  /// How many in-place writes this memory has seen.
  std::uint64_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  void* data_ = nullptr;
  std::size_t nbytes_ = 0;
  std::size_t capacity_ = 0;  // of the block (its size class)
  std::uint64_t version_ = 0;
};

}  // namespace sf
