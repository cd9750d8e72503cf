// multi_head_attention.cpp: project, split into heads, attend, merge, project again.
#include "nn/multi_head_attention.hpp"

#include "core/error.hpp"
#include "core/ops/join.hpp"
#include "core/ops/matmul.hpp"
#include "nn/attention.hpp"
#include "nn/init.hpp"

namespace sf::nn {

MultiHeadAttention::MultiHeadAttention(MultiHeadAttentionConfig config, Generator& gen)
    : out_proj({.in_features = config.d_model, .out_features = config.d_model, .bias = config.bias,
                .dtype = config.dtype},
               gen),
      dropout({.p = config.dropout}, gen),
      config_(config) {
  if (config.d_model <= 0 || config.heads <= 0 || config.d_model % config.heads != 0)
    fail<ValueError>("MultiHeadAttention: d_model ", config.d_model, " is not divisible by heads ", config.heads,
                     " (each head gets d_model / heads features)");
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

Tensor MultiHeadAttention::forward(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask,
                                   Tensor* weights) const {
  const std::int64_t E = config_.d_model, h = config_.heads, d_k = E / h;
  if (query.dim() == 2 && key.dim() == 2 && value.dim() == 2) {  // unbatched [L, E]: a batch of one
    Tensor w;
    Tensor out = forward(query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0),
                         mask.defined() && mask.dim() > 2 ? mask.unsqueeze(0) : mask, weights ? &w : nullptr);
    if (weights) *weights = w.squeeze(0);
    return out.squeeze(0);
  }
  if (query.dim() != 3 || query.size(-1) != E || key.dim() != 3 || key.size(-1) != E || query.size(0) != key.size(0))
    fail<ShapeError>("MultiHeadAttention: expected query [B, Lq, ", E, "] and key/value [B, Lk, ", E, "], got query ",
                     query.shape(), " and key ", key.shape());
  if (!(key.shape() == value.shape()))
    fail<ShapeError>("MultiHeadAttention: key ", key.shape(), " and value ", value.shape(), " must have the same shape");
  const std::int64_t B = query.size(0), Lq = query.size(1), Lk = key.size(1);

  // [doc:mha-project]
  // 1. Project. Self-attention needs one product with the packed [3E, E] weight; cross-attention
  //    projects the queries with its first E rows and keys and values with the rest.
  Tensor q, k, v;
  const Tensor& W = in_proj_weight;
  const Tensor& b = in_proj_bias;
  auto rows = [&](const Tensor& t, std::int64_t start, std::int64_t n) { return t.defined() ? t.narrow(0, start, n) : t; };
  if (query.is_same(key) && key.is_same(value)) {
    const auto qkv = chunk(linear(query, W, b), 3, -1);  // [B, L, 3E] → 3 × [B, L, E] (views)
    q = qkv[0], k = qkv[1], v = qkv[2];
  } else {
    q = linear(query, rows(W, 0, E), rows(b, 0, E));
    if (key.is_same(value)) {
      const auto kv = chunk(linear(key, rows(W, E, 2 * E), rows(b, E, 2 * E)), 2, -1);
      k = kv[0], v = kv[1];
    } else {
      k = linear(key, rows(W, E, E), rows(b, E, E));
      v = linear(value, rows(W, 2 * E, E), rows(b, 2 * E, E));
    }
  }
  // [doc:end]

  // [doc:mha-heads]
  // 2. Split into heads: [B, L, E] → [B, L, h, d_k] → [B, h, L, d_k]. A view, then a transpose:
  //    no data moves, and each head sees d_k features of every token.
  q = q.view({B, Lq, h, d_k}).transpose(1, 2);
  k = k.view({B, Lk, h, d_k}).transpose(1, 2);
  v = v.view({B, Lk, h, d_k}).transpose(1, 2);

  // 3. Attend, every head of every sentence in one batched product.
  Tensor w = attention_weights(q, k, mask);          // [B, h, Lq, Lk]
  Tensor heads = matmul(dropout(w), v);              // [B, h, Lq, d_k]

  // 4. Merge the heads back ([B, Lq, h, d_k] → [B, Lq, E]); the transpose made the data
  //    non-contiguous, so contiguous() copies it into place before view.
  Tensor merged = heads.transpose(1, 2).contiguous().view({B, Lq, E});

  // 5. Mix the heads with W^O.
  if (weights) *weights = w;
  return out_proj(merged);
  // [doc:end]
}

}  // namespace sf::nn
