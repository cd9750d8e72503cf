// kv_cache.cpp: filling, reading and reordering the key/value cache.
#include "nn/kv_cache.hpp"

#include "core/error.hpp"
#include "core/ops/index.hpp"

namespace sf::nn {

void KVCache::append(const Tensor& keys, const Tensor& values, std::int64_t capacity, const char* who) {
  const std::int64_t B = keys.size(0), n = keys.size(2);
  if (empty()) {  // first call: room for `capacity` positions
    key = zeros({B, keys.size(1), capacity, keys.size(3)}, {.dtype = keys.dtype()});
    value = zeros({B, keys.size(1), capacity, keys.size(3)}, {.dtype = keys.dtype()});
    length = 0;
  }
  const std::int64_t start = length, total = start + n;
  if (key.size(0) != B || total > key.size(2))
    fail<ValueError>(who, ": the cache holds ", key.size(0), " rows and ", key.size(2), " positions, but ", B,
                     " rows and ", total, " positions are needed");
  key.narrow(2, start, n).copy_(keys);
  value.narrow(2, start, n).copy_(values);
  length = total;
}

void KVCache::set(const Tensor& keys, const Tensor& values) {
  key = keys.contiguous();
  value = values.contiguous();
  length = keys.size(2);
}

void KVCache::select_rows(const Tensor& rows) {
  if (empty()) return;
  key = index_select(key, 0, rows);
  value = index_select(value, 0, rows);
}

}  // namespace sf::nn
