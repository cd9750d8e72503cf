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
//
// Two calls, one implementation:
//   ours     MultiHeadAttention::forward(query, key, value, mask, &weights): one mask (bool or
//            float, core/ops/attention.hpp) that already combines causal and padding masks, and
//            the weights of every head;
//   PyTorch  MultiheadAttention (PyTorch's spelling): the same module (same parameters, same names)
//            with torch.nn.MultiheadAttention's constructor and forward(query, key, value,
//            key_padding_mask, need_weights, attn_mask, average_attn_weights) → (output, weights);
//            it combines its two masks with combine_masks and then makes our call.
#pragma once

#include <utility>

#include "core/random.hpp"
#include "core/tensor.hpp"
#include "nn/dropout.hpp"
#include "nn/kv_cache.hpp"
#include "nn/linear.hpp"
#include "nn/module.hpp"
#include "nn/residual.hpp"

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

  /// query [B, Lq, d_model], key and value [B, Lk, d_model]; mask broadcastable to [B, heads, Lq, Lk],
  /// bool (true = hidden) or float (added to the scaled scores). If `weights` is given it receives the
  /// attention weights of every head, [B, heads, Lq, Lk]. (PyTorch averages them over heads by default, and
  /// returns them after dropout; these are before dropout, which is the same in evaluation.)
  /// With `add`, the output is add->residual + add->dropout(output), the Add done inside W^O's
  /// product (nn/residual.hpp).
  Tensor forward(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask = {},
                 Tensor* weights = nullptr, const ResidualAdd* add = nullptr) const;
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
  Tensor forward_cached_memory(const Tensor& query, const Tensor& memory, KVCache& cache,
                               const Tensor& mask = {}, Tensor* weights = nullptr) const;

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
  Tensor attend(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, Tensor* weights,
                const ResidualAdd* add = nullptr) const;
  /// The same without the weights, in O(L) memory (flash_attention): what forward runs when the weights
  /// are not asked for.
  Tensor attend_in_linear_memory(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                                 const ResidualAdd* add) const;
  /// W^O on the merged heads [B, Lq, E], and the Add if asked for.
  Tensor mix_heads(const Tensor& merged, const ResidualAdd* add) const {
    return add ? out_proj.forward_dropout_add(merged, add->dropout, add->residual) : out_proj(merged);
  }

  MultiHeadAttentionConfig config_;
};

/// torch.nn.MultiheadAttention's keyword arguments that we support (kdim, vdim, add_bias_kv and
/// add_zero_attn are not), plus the dtype.
struct MultiheadAttentionOptions {
  double dropout = 0.0;
  bool bias = true;
  bool batch_first = false;  // PyTorch's default: [L, B, E]; true: [B, L, E]
  DType dtype = kFloat32;
};

/// PyTorch's spelling and call of MultiHeadAttention (the same module, parameters and names):
///   mha = nn.MultiheadAttention(8, 2, batch_first=True)        (Python)
///   MultiheadAttention mha(8, 2, {.batch_first = true});       (C++)
///   out, w = mha(q, k, v, key_padding_mask=kpm, attn_mask=m)   (Python)
///   auto [out, w] = mha(q, k, v, kpm, true, m);                (C++: PyTorch's positional order)
class MultiheadAttention : public MultiHeadAttention {
 public:
  MultiheadAttention(std::int64_t embed_dim, std::int64_t num_heads, MultiheadAttentionOptions options = {},
                     Generator& gen = default_generator());

  /// query [B, Lq, E] and key, value [B, Lk, E] ([L, B, E] without batch_first; [L, E] unbatched).
  /// key_padding_mask [B, Lk] ([Lk] unbatched), attn_mask [Lq, Lk] or [B·heads, Lq, Lk], each bool
  /// (true = not allowed to attend) or float (added to the scores). Returns the output and, with
  /// need_weights, the weights averaged over heads [B, Lq, Lk] or per head [B, heads, Lq, Lk]
  /// (undefined without need_weights). A query row that may see no key gets zero weights and a
  /// zero attention output (PyTorch 1.13: NaN).
  std::pair<Tensor, Tensor> forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                    const Tensor& key_padding_mask = {}, bool need_weights = true,
                                    const Tensor& attn_mask = {}, bool average_attn_weights = true) const;
  std::pair<Tensor, Tensor> operator()(const Tensor& query, const Tensor& key, const Tensor& value,
                                       const Tensor& key_padding_mask = {}, bool need_weights = true,
                                       const Tensor& attn_mask = {}, bool average_attn_weights = true) const {
    return forward(query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights);
  }

  bool batch_first() const { return batch_first_; }

 private:
  bool batch_first_;
};

}  // namespace sf::nn
