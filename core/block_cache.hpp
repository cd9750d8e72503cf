// block_cache.hpp: the memory under tensors, kept and reused instead of given back at once.
//
// A training step allocates the same tensor sizes every time. Without a cache, large blocks go back
// to the operating system when a tensor dies and come back as fresh pages the next step, and every
// fresh page costs a page fault (several microseconds each on a virtual machine). The cache keeps
// freed blocks of 4 KiB and more, by size class, and hands them out again, so that once a step has
// run, the next one allocates nothing from the system.
//
// Sizes are rounded up to classes a quarter of a power of two apart (…, 1 MiB, 1.25 MiB, 1.5 MiB,
// 1.75 MiB, 2 MiB, …), wasting at most a quarter of a block, so that tensors of varying lengths (the
// translator's batches) still find blocks to reuse. The cache holds at most kMaxCachedBytes;
// beyond that freed blocks go back to the system. Thread-safe.
#pragma once

#include <cstddef>

#include "core/aligned.hpp"

namespace sf {

/// An aligned block of memory with room for `capacity` bytes.
struct Block {
  void* data = nullptr;
  std::size_t capacity = 0;
};

/// Blocks come from aligned_allocate (aligned.hpp): 64 bytes, a cache line, one AVX-512 register.
inline constexpr std::size_t kBlockAlignment = kAlignment;
/// Whether freed blocks are kept: not under AddressSanitizer, which can only catch a use after free
/// when the memory is really freed. (GCC defines __SANITIZE_ADDRESS__ under it; clang 14 only answers
/// __has_feature(address_sanitizer).)
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kCacheEnabled = false;
#elif defined(__has_feature)
inline constexpr bool kCacheEnabled = !__has_feature(address_sanitizer);
#else
inline constexpr bool kCacheEnabled = true;
#endif
/// The most memory the cache keeps for reuse.
inline constexpr std::size_t kMaxCachedBytes = kCacheEnabled ? std::size_t{1} << 31 : 0;

/// A block of at least `nbytes` bytes (capacity 0 and data null for 0 bytes).
Block allocate_block(std::size_t nbytes);
/// Returns a block from allocate_block: to the cache, or to the system.
void release_block(Block block);
/// Gives every cached block back to the system (blocks in use are not affected).
void empty_cache();

struct CacheStats {
  std::size_t cached_bytes = 0;       // held for reuse now
  std::size_t reused = 0;             // allocations served from the cache so far
  std::size_t fresh = 0;              // allocations that went to the system so far
  std::size_t in_use_bytes = 0;       // capacity of the blocks handed out and not yet released
  std::size_t peak_in_use_bytes = 0;  // the most in_use_bytes has been since the last reset_peak_in_use()
};
CacheStats cache_stats();
/// Starts a new measurement of peak_in_use_bytes (at the current in_use_bytes).
void reset_peak_in_use();

}  // namespace sf
