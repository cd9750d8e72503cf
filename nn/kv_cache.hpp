// kv_cache.hpp: the key/value cache, what the decoder keeps between generation steps.
//
// A translation is generated one target token at a time. Without a cache, step t would run the
// decoder over the whole prefix 0..t again, though the keys and values of positions 0..t-1 have not
// changed (the causal mask keeps a position from ever seeing later ones). With it, each attention
// sub-layer keeps them and step t projects token t only:
//
//   self-attention    KVCache::append adds the new positions' keys and values, [B, heads, n, d_k],
//                     to a buffer allocated once for `capacity` positions; keys() and values() are
//                     its filled part, [B, heads, length, d_k], which the new queries attend over.
//   cross-attention   the keys and values of the encoder output ("memory") are projected once, on
//                     the first step, and stored with KVCache::set; every later step reuses them.
//
// One LayerCache (a self and a cross KVCache) per decoder layer; GenerationState
// (nn/transformer.hpp) keeps one per layer with the memory. Beam search reorders the batch rows
// after each step (select_rows), so every cache row follows its hypothesis. The cache is plain
// storage outside the autograd graph: the code that fills it runs under NoGradGuard.
//
// Filled by MultiHeadAttention::forward_step and forward_cached_memory (nn/multi_head_attention.cpp),
// one layer at a time by DecoderLayer::step (nn/decoder.cpp), for the whole model by
// Transformer::generation_step (nn/transformer.cpp).
#pragma once

#include "core/tensor.hpp"

namespace sf::nn {

/// The keys and values of the positions one attention sub-layer has already seen.
struct KVCache {
  Tensor key;               // [B, heads, capacity, d_k]; positions 0..length-1 are filled
  Tensor value;             // [B, heads, capacity, d_k]
  std::int64_t length = 0;  // how many positions are filled

  /// Whether nothing has been stored yet.
  bool empty() const { return !key.defined(); }
  /// Appends the keys and values [B, heads, n, d_k] of n new positions; the first call allocates room
  /// for `capacity` positions. Fails, naming `who`, when B differs or the capacity would be exceeded.
  void append(const Tensor& keys, const Tensor& values, std::int64_t capacity, const char* who);
  /// Stores keys and values [B, heads, L, d_k] computed once, laid out contiguously: length = L.
  void set(const Tensor& keys, const Tensor& values);
  /// The filled part: [B, heads, length, d_k] views.
  Tensor keys() const { return key.narrow(2, 0, length); }
  Tensor values() const { return value.narrow(2, 0, length); }
  /// Keeps the batch rows `rows` (int64 [B']) in that order, e.g. the surviving beams of a search.
  void select_rows(const Tensor& rows);
};

/// What one decoder layer keeps between generation steps.
struct LayerCache {
  KVCache self;   // keys/values of the target positions generated so far
  KVCache cross;  // keys/values of the memory, projected once
  void select_rows(const Tensor& rows) {
    self.select_rows(rows);
    cross.select_rows(rows);
  }
};

}  // namespace sf::nn
