// multi_head_attention.cpp: project, split into heads, attend, merge, project again.
#include "nn/multi_head_attention.hpp"

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/ops/compare.hpp"
#include "core/ops/elementwise.hpp"
#include "core/ops/flash_attention.hpp"
#include "core/ops/join.hpp"
#include "core/ops/matmul.hpp"
#include "core/ops/reduce.hpp"
#include "nn/attention.hpp"
#include "nn/init.hpp"

namespace sf::nn {

namespace {
MultiHeadAttentionConfig checked(MultiHeadAttentionConfig c) {
  if (c.d_model <= 0 || c.heads <= 0 || c.d_model % c.heads != 0)
    fail<ValueError>("MultiHeadAttention: d_model ", c.d_model, " is not divisible by heads ", c.heads,
                     " (each head gets d_model / heads features)");
  return c;
}
}  // namespace

MultiHeadAttention::MultiHeadAttention(MultiHeadAttentionConfig config, Generator& gen)
    : out_proj({.in_features = checked(config).d_model,
                .out_features = config.d_model,
                .bias = config.bias,
                .dtype = config.dtype},
               gen),
      dropout({.p = config.dropout}, gen),
      config_(config) {
  // [doc:mha-init]
  // As torch.nn.MultiheadAttention: Xavier-uniform packed projections, zero biases; out_proj keeps
  // Linear's initial weight but its bias starts at zero too.
  in_proj_weight = init::xavier_uniform({3 * config.d_model, config.d_model}, gen, config.dtype);
  register_parameter("in_proj_weight", in_proj_weight);
  if (config.bias) {
    in_proj_bias = zeros({3 * config.d_model}, {.dtype = config.dtype});
    register_parameter("in_proj_bias", in_proj_bias);
    out_proj.bias.detach().zero_();
  }
  // [doc:end]
  register_module("out_proj", out_proj);
  register_module("dropout", dropout);
}

Tensor MultiHeadAttention::project(const Tensor& x, Blocks blocks) const {
  const std::int64_t E = config_.d_model, first = blocks.first * E, rows = blocks.count * E;
  const bool all = blocks.count == 3;  // the whole packed weight: no narrowing
  const Tensor w = all ? in_proj_weight : in_proj_weight.narrow(0, first, rows);
  const Tensor b = !in_proj_bias.defined() || all ? in_proj_bias : in_proj_bias.narrow(0, first, rows);
  return linear_fused(x, w, b);
}

// [doc:mha-split]
Tensor MultiHeadAttention::split_heads(const Tensor& t) const {
  const std::int64_t h = config_.heads, d_k = config_.d_model / h;
  return t.view({t.size(0), t.size(1), h, d_k})
      .transpose(1, 2);  // [B, L, E] → [B, L, h, d_k] → [B, h, L, d_k]
}
// [doc:end]

Tensor MultiHeadAttention::forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                   const Tensor& mask, Tensor* weights, const ResidualAdd* add) const {
  const std::int64_t E = config_.d_model;
  if (query.dim() == 2 && key.dim() == 2 && value.dim() == 2) {  // unbatched [L, E]: a batch of one
    Tensor w;
    const Tensor residual = add ? add->residual.unsqueeze(0) : Tensor();
    const ResidualAdd add_batched{add ? add->dropout : dropout, residual};
    Tensor out = forward(query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0),
                         mask.defined() && mask.dim() > 2 ? mask.unsqueeze(0) : mask, weights ? &w : nullptr,
                         add ? &add_batched : nullptr);
    if (weights) *weights = w.squeeze(0);
    return out.squeeze(0);
  }
  if (query.dim() != 3 || query.size(-1) != E || key.dim() != 3 || key.size(-1) != E ||
      query.size(0) != key.size(0))
    fail<ShapeError>("MultiHeadAttention: expected query [B, Lq, ", E, "] and key/value [B, Lk, ", E,
                     "], got query ", query.shape(), " and key ", key.shape());
  if (!(key.shape() == value.shape()))
    fail<ShapeError>("MultiHeadAttention: key ", key.shape(), " and value ", value.shape(),
                     " must have the same shape");

  // [doc:mha-project]
  // 1. Project. Self-attention needs one product with the packed [3E, E] weight; cross-attention
  //    projects the queries with its first E rows and keys and values with the rest.
  Tensor q, k, v;
  if (query.is_same(key) && key.is_same(value)) {
    const auto qkv = chunk(project(query, kQueryKeyValue), 3, -1);  // [B, L, 3E] → 3 × [B, L, E] (views)
    q = qkv[0];
    k = qkv[1];
    v = qkv[2];
  } else {
    q = project(query, kQuery);  // [B, Lq, E]
    if (key.is_same(value)) {
      const auto kv = chunk(project(key, kKeyValue), 2, -1);  // [B, Lk, 2E] → 2 × [B, Lk, E]
      k = kv[0];
      v = kv[1];
    } else {
      k = project(key, kKey);  // [B, Lk, E]
      v = project(value, kValue);
    }
  }
  // [doc:end]

  // 2. Split into heads: [B, L, E] → [B, L, h, d_k] → [B, h, L, d_k] (split_heads: a view, then a
  //    transpose; no data moves, and each head sees d_k features of every token).
  const Tensor qh = recorded(split_heads(q), "Q"), kh = recorded(split_heads(k), "K"),
               vh = recorded(split_heads(v), "V");
  // 3.-5. in O(L) memory unless the weights are asked for (or a float mask wants its gradient,
  //    which flash_attention does not compute): the L×L weights are then never stored.
  const bool mask_wants_grad =
      mask.defined() && mask.dtype() != kBool && mask.requires_grad() && grad_enabled();
  if (!weights && !mask_wants_grad) return attend_in_linear_memory(qh, kh, vh, mask, add);
  return attend(qh, kh, vh, mask, weights, add);
}

// [doc:mha-flash]
Tensor MultiHeadAttention::attend_in_linear_memory(const Tensor& q, const Tensor& k, const Tensor& v,
                                                   const Tensor& mask, const ResidualAdd* add) const {
  const std::int64_t B = q.size(0), h = q.size(1), Lq = q.size(2), E = config_.d_model;
  // Scale, mask, softmax, dropout and the product with v, block by block: [B, h, Lq, d_k], with the
  // dropout drawn from the module's generator exactly as dropout(w) would draw it for w [B, h, Lq, Lk].
  Generator& gen = dropout.applied_inside({B, h, Lq, k.size(2)});
  const Tensor heads = flash_attention(
      q, k, v, mask, {.p = dropout.p(), .training = dropout.is_training(), .generator = &gen});
  // Its memory is already [B, Lq, h, d_k]: contiguous() copies nothing, and view merges the heads.
  return mix_heads(heads.transpose(1, 2).contiguous().view({B, Lq, E}), add);
}
// [doc:end]

// [doc:mha-heads]
Tensor MultiHeadAttention::attend(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                                  Tensor* weights, const ResidualAdd* add) const {
  const std::int64_t B = q.size(0), Lq = q.size(2), E = config_.d_model;
  // 3. Attend, every head of every sentence in one batched product.
  Tensor w = attention_weights_fused(q, k, mask);  // [B, h, Lq, Lk]: scale, mask and softmax in one op
  Tensor heads = matmul(dropout(w), v);            // [B, h, Lq, d_k]

  // 4. Merge the heads back ([B, Lq, h, d_k] → [B, Lq, E]); the transpose made the data
  //    non-contiguous, so contiguous() copies it into place before view.
  Tensor merged = heads.transpose(1, 2).contiguous().view({B, Lq, E});

  // 5. Mix the heads with W^O (and, given `add`, do the Add of Add & Norm in the same product).
  if (weights) *weights = w;
  return mix_heads(merged, add);
}
// [doc:end]

// [doc:kv-cache]
Tensor MultiHeadAttention::forward_step(const Tensor& x, KVCache& cache, std::int64_t capacity) const {
  if (grad_enabled())
    fail<AutogradError>(
        "MultiHeadAttention::forward_step: incremental decoding is for generation; run it under "
        "NoGradGuard (the cache is not part of the autograd graph)");
  const std::int64_t E = config_.d_model;
  if (x.dim() != 3 || x.size(-1) != E)
    fail<ShapeError>("MultiHeadAttention::forward_step: expected x [B, n, ", E, "], got ", x.shape());
  const std::int64_t n = x.size(1), start = cache.length;
  const auto qkv = chunk(project(x, kQueryKeyValue), 3, -1);  // 3 × [B, n, E]
  // Append this step's keys and values, [B, h, n, d_k], after the `start` positions already cached.
  cache.append(split_heads(qkv[1]), split_heads(qkv[2]), capacity, "MultiHeadAttention::forward_step");
  const std::int64_t total = cache.length;
  Tensor mask;  // new position i (absolute start + i) may not see the positions after it
  if (n > 1) {
    const Tensor rows =
        arange(static_cast<double>(start), static_cast<double>(total), 1.0, {.dtype = kInt64});
    mask = lt(rows.unsqueeze(1), arange(static_cast<double>(total), {.dtype = kInt64}).unsqueeze(0));
  }
  return attend(split_heads(qkv[0]), cache.keys(), cache.values(), mask, nullptr);
}
// [doc:end]

// [doc:cross-cache]
Tensor MultiHeadAttention::forward_cached_memory(const Tensor& query, const Tensor& memory, KVCache& cache,
                                                 const Tensor& mask, Tensor* weights) const {
  if (cache.empty()) {  // project the memory once; every later step reuses it
    const auto kv = chunk(project(memory, kKeyValue), 2, -1);  // 2 × [B, S, E]
    cache.set(split_heads(kv[0]), split_heads(kv[1]));         // [B, h, S, d_k] each
  }
  return attend(split_heads(project(query, kQuery)), cache.keys(), cache.values(), mask, weights);
}
// [doc:end]

// [doc:multihead-attention-forward]
MultiheadAttention::MultiheadAttention(std::int64_t embed_dim, std::int64_t num_heads,
                                       MultiheadAttentionOptions o, Generator& gen)
    : MultiHeadAttention(
          {.d_model = embed_dim, .heads = num_heads, .dropout = o.dropout, .bias = o.bias, .dtype = o.dtype},
          gen),
      batch_first_(o.batch_first) {}

std::pair<Tensor, Tensor> MultiheadAttention::forward(const Tensor& query, const Tensor& key,
                                                      const Tensor& value, const Tensor& key_padding_mask,
                                                      bool need_weights, const Tensor& attn_mask,
                                                      bool average_attn_weights) const {
  const bool unbatched = query.dim() == 2;
  if (query.dim() != 2 && query.dim() != 3)
    fail<ShapeError>("MultiheadAttention: expected query [B, Lq, E], [Lq, B, E] or [Lq, E], got ",
                     query.shape());
  // To our layout [B, L, E]: a batch of one, or the batch axis first (a view; self-attention stays
  // one tensor, so it keeps its single packed projection).
  auto ours = [&](const Tensor& t) {
    return unbatched ? t.unsqueeze(0) : batch_first_ ? t : t.transpose(0, 1);
  };
  const Tensor q = ours(query), k = key.is_same(query) ? q : ours(key),
               v = value.is_same(key) ? k : ours(value);
  if (k.dim() != 3)
    fail<ShapeError>("MultiheadAttention: query ", query.shape(), " and key ", key.shape(),
                     " must both be batched (3 axes) or both unbatched (2 axes)");
  const Tensor padding = unbatched && key_padding_mask.defined() && key_padding_mask.dim() == 1
                             ? key_padding_mask.unsqueeze(0)
                             : key_padding_mask;
  const AttentionSizes sizes{q.size(0), config().heads, q.size(1), k.size(1)};
  const Tensor mask = combine_masks(attn_mask, padding, sizes, q.dtype());  // bool stays bool: the fused path

  Tensor weights;  // [B, heads, Lq, Lk]
  Tensor out = MultiHeadAttention::forward(q, k, v, mask, need_weights ? &weights : nullptr);
  if (need_weights && average_attn_weights) weights = sum(weights, 1) / static_cast<double>(config().heads);
  if (unbatched) return {out.squeeze(0), need_weights ? weights.squeeze(0) : weights};
  return {batch_first_ ? out : out.transpose(0, 1), weights};
}
// [doc:end]

}  // namespace sf::nn
