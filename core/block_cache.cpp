// block_cache.cpp: the size classes and the free lists (see block_cache.hpp).
#include "core/block_cache.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <vector>

#include "core/aligned.hpp"

namespace sf {
namespace {

constexpr std::size_t kSmallest = 4096;  // smaller blocks come straight from (and go back to) malloc

/// The size class of n bytes: n rounded up to the next of 1, 1.25, 1.5, 1.75 × a power of two.
std::size_t size_class(std::size_t n) {
  if (n <= kSmallest) return n;
  std::size_t power = kSmallest;
  while (power * 2 < n) power *= 2;  // power < n ≤ 2·power
  const std::size_t quarter = power / 4;
  return power + (n - power + quarter - 1) / quarter * quarter;
}

struct Cache {
  std::mutex mutex;
  std::map<std::size_t, std::vector<void*>> free;  // capacity → free blocks
  CacheStats stats;
};

// Tensor memory in use, counted for every block (small ones too) without taking the lock.
std::atomic<std::size_t> g_in_use{0};
std::atomic<std::size_t> g_peak_in_use{0};

void count_allocation(std::size_t capacity) {
  const std::size_t now = g_in_use.fetch_add(capacity, std::memory_order_relaxed) + capacity;
  std::size_t peak = g_peak_in_use.load(std::memory_order_relaxed);
  while (now > peak && !g_peak_in_use.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

Cache& cache() {
  static Cache* c = new Cache;  // never destroyed: tensors may die during static destruction
  return *c;
}

void* system_allocate(std::size_t n) { return aligned_allocate(n); }
void system_free(void* p) { aligned_free(p); }

}  // namespace

Block allocate_block(std::size_t nbytes) {
  if (nbytes == 0) return {};
  const std::size_t capacity = size_class(nbytes);
  if (capacity >= kSmallest) {
    Cache& c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.free.find(capacity);
    if (it != c.free.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      c.stats.cached_bytes -= capacity;
      ++c.stats.reused;
      count_allocation(capacity);
      return {p, capacity};
    }
    ++c.stats.fresh;
  }
  void* p = system_allocate(capacity);  // may throw std::bad_alloc: then nothing was counted
  count_allocation(capacity);
  return {p, capacity};
}

void release_block(Block block) {
  if (!block.data) return;
  g_in_use.fetch_sub(block.capacity, std::memory_order_relaxed);
  if (block.capacity >= kSmallest) {
    Cache& c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.stats.cached_bytes + block.capacity <= kMaxCachedBytes) {
      c.free[block.capacity].push_back(block.data);
      c.stats.cached_bytes += block.capacity;
      return;
    }
  }
  system_free(block.data);
}

void empty_cache() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  for (auto& [capacity, blocks] : c.free)
    for (void* p : blocks) system_free(p);
  c.free.clear();
  c.stats.cached_bytes = 0;
}

CacheStats cache_stats() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  CacheStats s = c.stats;
  s.in_use_bytes = g_in_use.load(std::memory_order_relaxed);
  s.peak_in_use_bytes = g_peak_in_use.load(std::memory_order_relaxed);
  return s;
}

void reset_peak_in_use() {
  g_peak_in_use.store(g_in_use.load(std::memory_order_relaxed), std::memory_order_relaxed);
}

}  // namespace sf
