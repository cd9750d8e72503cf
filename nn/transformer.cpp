// transformer.cpp: wiring embeddings, positions, encoder, decoder and the output projection.
#include "nn/transformer.hpp"

#include <cmath>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/ops/compare.hpp"
#include "core/ops/index.hpp"
#include "nn/attention.hpp"
#include "nn/init.hpp"

namespace sf::nn {

TransformerConfig TransformerConfig::base(std::int64_t source_vocab, std::int64_t target_vocab) {
  return {.source_vocab = source_vocab, .target_vocab = target_vocab,
          .layer = {.d_model = 512, .heads = 8, .d_ff = 2048, .dropout = 0.1}, .encoder_layers = 6,
          .decoder_layers = 6};
}
TransformerConfig TransformerConfig::medium(std::int64_t source_vocab, std::int64_t target_vocab) {
  return {.source_vocab = source_vocab, .target_vocab = target_vocab,
          .layer = {.d_model = 256, .heads = 8, .d_ff = 1024, .dropout = 0.1}, .encoder_layers = 4,
          .decoder_layers = 4};
}
TransformerConfig TransformerConfig::small(std::int64_t source_vocab, std::int64_t target_vocab) {
  return {.source_vocab = source_vocab, .target_vocab = target_vocab,
          .layer = {.d_model = 128, .heads = 4, .d_ff = 512, .dropout = 0.1}, .encoder_layers = 2,
          .decoder_layers = 2};
}

namespace {
TransformerConfig checked(TransformerConfig c) {
  if (c.source_vocab <= 0 || c.target_vocab <= 0)
    fail<ValueError>("Transformer: vocabulary sizes must be positive, got ", c.source_vocab, " and ", c.target_vocab);
  if (c.share_embeddings && c.source_vocab != c.target_vocab)
    fail<ValueError>("Transformer: share_embeddings needs one vocabulary, got sizes ", c.source_vocab, " and ",
                     c.target_vocab);
  if (c.layer.norm_first) c.final_norm = true;  // pre-LN leaves the last layer's output unnormalised
  return c;
}
}  // namespace

Transformer::Transformer(TransformerConfig c, Generator& gen)
    : config_(checked(c)),
      source_embedding({.num_embeddings = config_.source_vocab, .embedding_dim = config_.layer.d_model,
                        .dtype = config_.layer.dtype},
                       gen),
      target_embedding({.num_embeddings = config_.target_vocab, .embedding_dim = config_.layer.d_model,
                        .dtype = config_.layer.dtype},
                       gen),
      positional({.d_model = config_.layer.d_model, .max_len = config_.max_len, .dropout = config_.layer.dropout,
                  .dtype = config_.layer.dtype},
                 gen),
      encoder({.layer = config_.layer, .layers = config_.encoder_layers, .final_norm = config_.final_norm}, gen),
      decoder({.layer = config_.layer, .layers = config_.decoder_layers, .final_norm = config_.final_norm}, gen),
      output_projection(
          {.in_features = config_.layer.d_model, .out_features = config_.target_vocab, .dtype = config_.layer.dtype},
          gen) {
  // Initialisation. The encoder and decoder matrices get Xavier-uniform values, as in
  // torch.nn.Transformer. The embeddings get N(0, 1/d_model), as in tensor2tensor and fairseq: after
  // the ·√d_model scaling every feature then has variance 1, and the tied output projection starts
  // with logits of order 1 (with N(0, 1) embeddings, torch.nn.Embedding's default, the first loss
  // of a 1000-word model would be near 100 instead of ln 1000 ≈ 6.9).
  {
    NoGradGuard no_grad;
    for (Module* stack : {static_cast<Module*>(&encoder), static_cast<Module*>(&decoder)})
      for (auto& [name, p] : stack->named_parameters())
        if (p.dim() > 1) p.copy_(init::xavier_uniform(p.shape(), gen, p.dtype()));
    const double std = 1.0 / std::sqrt(static_cast<double>(config_.layer.d_model));
    for (Embedding* e : {&source_embedding, &target_embedding})
      e->weight.copy_(normal(e->weight.shape(), 0.0, std, gen, {.dtype = e->weight.dtype()}));
  }
  if (config_.share_embeddings) target_embedding.weight = source_embedding.weight;
  if (config_.tie_output) output_projection.weight = target_embedding.weight;  // [V, d]: same shape, same tensor
  register_module("source_embedding", source_embedding);
  register_module("target_embedding", target_embedding);
  register_module("positional", positional);
  register_module("encoder", encoder);
  register_module("decoder", decoder);
  register_module("output_projection", output_projection);
}

// [doc:transformer-forward]
Tensor Transformer::encode(const Tensor& source) const {
  const Tensor source_mask = padding_mask(source, config_.pad_id);  // [B, 1, 1, S]: hide padding keys
  return encoder(positional(source_embedding(source)), source_mask);
}

Tensor Transformer::decode(const Tensor& target_in, const Tensor& memory, const Tensor& source,
                          std::vector<Tensor>* cross_weights) const {
  const Tensor self_mask = logical_or(causal_mask(target_in.size(1)),            // no peeking ahead
                                      padding_mask(target_in, config_.pad_id));  // nor at padding
  const Tensor hidden = decoder.forward(positional(target_embedding(target_in)), memory, self_mask,
                                       padding_mask(source, config_.pad_id), cross_weights);
  return output_projection(hidden);  // [B, T, target_vocab]
}

Tensor Transformer::forward(const Tensor& source, const Tensor& target_in) const {
  return decode(target_in, encode(source), source);
}
// [doc:end]

GenerationState Transformer::start_generation(const Tensor& source, std::int64_t max_target_len) const {
  if (grad_enabled())
    fail<AutogradError>("Transformer::start_generation: generation runs under NoGradGuard (its caches are not part "
                        "of the autograd graph)");
  if (max_target_len <= 0 || max_target_len > config_.max_len)
    fail<ValueError>("Transformer::start_generation: max_target_len must be in 1..", config_.max_len, ", got ",
                     max_target_len);
  GenerationState state;
  state.memory = encode(source);
  state.memory_mask = padding_mask(source, config_.pad_id);
  state.capacity = max_target_len;
  return state;
}

// [doc:generation-step]
Tensor Transformer::generation_step(GenerationState& state, const Tensor& tokens) const {
  if (tokens.dim() != 2 || tokens.size(0) != state.memory.size(0))
    fail<ShapeError>("Transformer::generation_step: expected tokens [", state.memory.size(0), ", n], got ",
                     tokens.shape());
  const Tensor x = positional(target_embedding(tokens), state.position);  // PE of the absolute positions
  const Tensor hidden = decoder.step(x, state.memory, state.caches, state.memory_mask, state.capacity);
  state.position += tokens.size(1);
  return output_projection(hidden);
}
// [doc:end]

void GenerationState::select_rows(const Tensor& rows) {
  memory = index_select(memory, 0, rows);
  memory_mask = index_select(memory_mask, 0, rows);
  for (LayerCache& c : caches) c.select_rows(rows);
}

}  // namespace sf::nn
