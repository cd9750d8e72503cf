// decoder_only.cpp: the decoder-only language model, and sampling from it.
#include "nn/decoder_only.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/ops/compare.hpp"
#include "nn/attention.hpp"
#include "nn/init.hpp"

namespace sf::nn {

namespace {
DecoderOnlyConfig checked(DecoderOnlyConfig c) {
  if (c.vocab <= 0) fail<ValueError>("DecoderOnly: the vocabulary size must be positive, got ", c.vocab);
  if (c.layers <= 0) fail<ValueError>("DecoderOnly: the number of layers must be positive, got ", c.layers);
  return c;
}
}  // namespace

DecoderOnly::DecoderOnly(DecoderOnlyConfig c, Generator& gen)
    : config_(checked(c)),
      embedding({.num_embeddings = config_.vocab,
                 .embedding_dim = config_.layer.d_model,
                 .dtype = config_.layer.dtype},
                gen),
      positional({.d_model = config_.layer.d_model,
                  .max_len = config_.max_len,
                  .dropout = config_.layer.dropout,
                  .dtype = config_.layer.dtype},
                 gen),
      blocks({.layer = config_.layer, .layers = config_.layers, .final_norm = config_.layer.norm_first}, gen),
      output_projection(
          {.in_features = config_.layer.d_model, .out_features = config_.vocab, .dtype = config_.layer.dtype},
          gen) {
  // The Transformer's initialisation (nn/transformer.cpp): Xavier-uniform matrices in the blocks,
  // N(0, 1/d_model) embeddings so that embedding·√d_model has unit variance.
  {
    NoGradGuard no_grad;
    for (auto& [name, p] : blocks.named_parameters())
      if (p.dim() > 1) p.copy_(init::xavier_uniform(p.shape(), gen, p.dtype()));
    const double std = 1.0 / std::sqrt(static_cast<double>(config_.layer.d_model));
    embedding.weight.copy_(
        normal(embedding.weight.shape(), 0.0, std, gen, {.dtype = embedding.weight.dtype()}));
  }
  if (config_.tie_output) output_projection.weight = embedding.weight;  // [V, d]: same shape, same tensor
  register_module("embedding", embedding);
  register_module("positional", positional);
  register_module("blocks", blocks);
  register_module("output_projection", output_projection);
}

// [doc:decoder-only-forward]
Tensor DecoderOnly::forward(const Tensor& tokens) const {
  if (tokens.dim() != 2)
    fail<ShapeError>("DecoderOnly::forward: expected tokens [B, T], got ", tokens.shape());
  const Tensor mask = logical_or(causal_mask(tokens.size(1)),            // position t sees 0..t only
                                 padding_mask(tokens, config_.pad_id));  // and never padding
  const Tensor hidden = blocks(positional(embedding(tokens)), mask);     // [B, T, d_model]
  return output_projection(hidden);                                      // [B, T, vocab]
}
// [doc:end]

// [doc:sample-next]
int sample_next(const std::vector<double>& logits, const SamplingConfig& config, Generator& gen) {
  if (logits.empty()) fail<ValueError>("sample_next: empty logits");
  if (!(config.temperature > 0))
    fail<ValueError>("sample_next: temperature must be positive, got ", config.temperature);
  const auto V = static_cast<std::int64_t>(logits.size());
  const std::int64_t k = (config.top_k <= 0 || config.top_k > V) ? V : config.top_k;
  std::vector<int> ids(logits.size());
  std::iota(ids.begin(), ids.end(), 0);
  std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) { return logits[a] > logits[b]; });
  ids.resize(static_cast<std::size_t>(k));  // top-k: the k largest logits, ties by id
  std::vector<double> p(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i)  // softmax(z / T), shifted by the largest logit
    p[i] = std::exp((logits[ids[i]] - logits[ids[0]]) / config.temperature);
  const double total = std::accumulate(p.begin(), p.end(), 0.0);
  double u = gen.uniform() * total;  // invert the cumulative distribution at one uniform draw
  for (std::size_t i = 0; i < ids.size(); ++i) {
    u -= p[i];
    if (u < 0) return ids[i];
  }
  return ids.back();
}
// [doc:end]

std::vector<int> generate(const DecoderOnly& model, std::vector<int> prompt, int stop_id,
                          std::int64_t max_len, const SamplingConfig& config, Generator& gen) {
  if (prompt.empty()) fail<ValueError>("generate: the prompt needs at least one token");
  if (max_len > model.config().max_len)
    fail<ValueError>("generate: max_len ", max_len, " exceeds the model's max_len ", model.config().max_len);
  NoGradGuard no_grad;
  while (static_cast<std::int64_t>(prompt.size()) < max_len) {
    const auto T = static_cast<std::int64_t>(prompt.size());
    const Tensor ids = tensor(std::vector<double>(prompt.begin(), prompt.end()), {1, T}, {.dtype = kInt64});
    const Tensor last = model(ids).select(1, T - 1).select(0, 0);  // [V]: the next token's logits
    const int next = sample_next(last.to_vector<double>(), config, gen);
    prompt.push_back(next);
    if (next == stop_id) break;
  }
  return prompt;
}

}  // namespace sf::nn
