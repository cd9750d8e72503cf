// Tests for core/block_cache.cpp: freed blocks are reused, by size class, and can be released.
#include <cstdint>

#include "core/block_cache.hpp"
#include "support.hpp"

using namespace sf;

TEST_SUITE("ch01-tensor") {
  TEST_CASE("a freed block is reused for the next request of its size class") {
    if (!kCacheEnabled) return;  // AddressSanitizer builds free every block for real
    empty_cache();
    const Block a = allocate_block(1 << 20);
    CHECK(a.capacity == (1 << 20));
    CHECK(reinterpret_cast<std::uintptr_t>(a.data) % kBlockAlignment == 0);
    const std::size_t reused = cache_stats().reused;
    release_block(a);
    CHECK(cache_stats().cached_bytes == (1 << 20));
    const Block b = allocate_block((1 << 20) - 100);  // same class
    CHECK(b.data == a.data);
    CHECK(cache_stats().reused == reused + 1);
    release_block(b);
    empty_cache();
    CHECK(cache_stats().cached_bytes == 0);
  }

  TEST_CASE("size classes are a quarter of a power of two apart") {
    empty_cache();
    // variables, not a structured binding: clang 14 cannot capture one in the message's lambda
    for (const auto& sizes : {std::pair<std::size_t, std::size_t>{100, 100},
                              {4096, 4096},
                              {4097, 5120},
                              {6000, 6144},
                              {1'100'000, 1'310'720},
                              {1 << 21, 1 << 21}}) {
      const std::size_t request = sizes.first, expected = sizes.second;
      const Block blk = allocate_block(request);
      CHECK_MESSAGE(blk.capacity == expected, request);
      release_block(blk);
    }
    CHECK(allocate_block(0).data == nullptr);
    empty_cache();
  }

  TEST_CASE("tensors of a repeated shape get their memory back from the cache") {
    if (!kCacheEnabled) return;
    empty_cache();
    const void* first = nullptr;
    {
      Tensor t = zeros({256, 256});
      first = t.data<float>();
    }
    Tensor again = zeros({256, 256});
    CHECK(again.data<float>() == first);
  }
}
