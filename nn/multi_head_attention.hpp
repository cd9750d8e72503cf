// multi_head_attention.hpp: multi-head attention (paper §3.2.2), with PyTorch's parameter layout.
//
//   head_i = Attention(Q·W_i^Q, K·W_i^K, V·W_i^V)        each head works in d_k = d_model / h dims
//   MultiHead(Q, K, V) = Concat(head_1, …, head_h)·W^O
//
// The h heads' projections are stored as one matrix, as torch.nn.MultiheadAttention stores them:
// in_proj_weight is [3·d_model, d_model], its rows the query, key and value projections in that
// order (each [d_model, d_model], whose rows in turn are the heads' W_i), in_proj_bias [3·d_model],
// and out_proj is the Linear W^O. Weights copied from PyTorch give the same numbers (tested).
//
// Inputs are batch first: [B, L, d_model] (or unbatched [L, d_model]), unlike PyTorch's default
// (L, B, E), which is PyTorch's batch_first=True.
#pragma once

#include "core/random.hpp"
#include "core/tensor.hpp"
#include "nn/dropout.hpp"
#include "nn/kv_cache.hpp"
#include "nn/linear.hpp"
#include "nn/module.hpp"

namespace sf::nn {

struct MultiHeadAttentionConfig {
  std::int64_t d_model = 512;
  std::int64_t heads = 8;
  double dropout = 0.0;  // on the attention weights, in training
  bool bias = true;
  DType dtype = kFloat32;
};

/// MultiHeadAttention mha({.d_model = 512, .heads = 8});
/// Tensor y = mha(x, x, x, mask);            // self-attention
/// Tensor z = mha(y, memory, memory);        // cross-attention: queries from y, keys/values from memory
class MultiHeadAttention : public Module {
 public:
  explicit MultiHeadAttention(MultiHeadAttentionConfig config, Generator& gen = default_generator());

  /// query [B, Lq, d_model], key and value [B, Lk, d_model]; mask bool, broadcastable to
  /// [B, heads, Lq, Lk], true = hidden. If `weights` is given it receives the attention weights of
  /// every head, [B, heads, Lq, Lk]. (PyTorch averages them over heads by default, and returns them
  /// after dropout; these are before dropout, which is the same in evaluation.)
  Tensor forward(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask = {},
                 Tensor* weights = nullptr) const;
  Tensor operator()(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask = {},
                    Tensor* weights = nullptr) const {
    return forward(query, key, value, mask, weights);
  }
  /// Incremental self-attention, for generation (under NoGradGuard): x [B, n, d_model] are the
  /// next n positions. Their keys and values are appended to `cache` (nn/kv_cache.hpp; allocated for
  /// `capacity` positions on first use), and new position i attends to every cached position and to
  /// new positions up to i, exactly as the full causal forward would.
  Tensor forward_step(const Tensor& x, KVCache& cache, std::int64_t capacity) const;
  /// Cross-attention whose keys and values come from `memory` (fixed while decoding): they are
  /// projected into `cache` on the first call and reused after.
  Tensor forward_cached_memory(const Tensor& query, const Tensor& memory, KVCache& cache, const Tensor& mask = {},
                               Tensor* weights = nullptr) const;

  const MultiHeadAttentionConfig& config() const { return config_; }

  Tensor in_proj_weight;  // [3·d_model, d_model]: W^Q, W^K, W^V stacked in that order
  Tensor in_proj_bias;    // [3·d_model]
  Linear out_proj;        // W^O: [d_model, d_model] and its bias
  Dropout dropout;        // on the attention weights

 private:
  // [doc:mha-blocks]
  /// Which of the packed weight's three blocks of E rows (W^Q, W^K, W^V, in that order) one product
  /// uses: `count` blocks from block `first`.
  struct Blocks {
    std::int64_t first, count;
  };
  static constexpr Blocks kQueryKeyValue{0, 3};  // self-attention: q, k and v from the same input
  static constexpr Blocks kQuery{0, 1};
  static constexpr Blocks kKeyValue{1, 2};  // cross-attention: k and v from the same memory
  static constexpr Blocks kKey{1, 1};
  static constexpr Blocks kValue{2, 1};
  /// x [B, L, E] projected by the rows of `blocks`: [B, L, count·E], the projections side by side.
  Tensor project(const Tensor& x, Blocks blocks) const;
  // [doc:end]
  /// [B, L, E] → [B, heads, L, d_k] (a view).
  Tensor split_heads(const Tensor& t) const;
  /// Attention of per-head queries over per-head keys and values, heads merged, then W^O.
  Tensor attend(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, Tensor* weights) const;

  MultiHeadAttentionConfig config_;
};

}  // namespace sf::nn
