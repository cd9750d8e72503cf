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
  return {.source_vocab = source_vocab,
          .target_vocab = target_vocab,
          .layer = {.d_model = 512, .heads = 8, .d_ff = 2048, .dropout = 0.1},
          .encoder_layers = 6,
          .decoder_layers = 6};
}
TransformerConfig TransformerConfig::medium(std::int64_t source_vocab, std::int64_t target_vocab) {
  return {.source_vocab = source_vocab,
          .target_vocab = target_vocab,
          .layer = {.d_model = 256, .heads = 8, .d_ff = 1024, .dropout = 0.1},
          .encoder_layers = 4,
          .decoder_layers = 4};
}
TransformerConfig TransformerConfig::small(std::int64_t source_vocab, std::int64_t target_vocab) {
  return {.source_vocab = source_vocab,
          .target_vocab = target_vocab,
          .layer = {.d_model = 128, .heads = 4, .d_ff = 512, .dropout = 0.1},
          .encoder_layers = 2,
          .decoder_layers = 2};
}

namespace {
TransformerConfig checked(TransformerConfig c) {
  if (c.source_vocab <= 0 || c.target_vocab <= 0)
    fail<ValueError>("Transformer: vocabulary sizes must be positive, got ", c.source_vocab, " and ",
                     c.target_vocab);
  if (c.share_embeddings && c.source_vocab != c.target_vocab)
    fail<ValueError>("Transformer: share_embeddings needs one vocabulary, got sizes ", c.source_vocab,
                     " and ", c.target_vocab);
  if (c.layer.norm_first) c.final_norm = true;  // pre-LN leaves the last layer's output unnormalised
  return c;
}
}  // namespace

Transformer::Transformer(TransformerConfig c, Generator& gen)
    : config_(checked(c)),
      source_embedding({.num_embeddings = config_.source_vocab,
                        .embedding_dim = config_.layer.d_model,
                        .dtype = config_.layer.dtype},
                       gen),
      target_embedding({.num_embeddings = config_.target_vocab,
                        .embedding_dim = config_.layer.d_model,
                        .dtype = config_.layer.dtype},
                       gen),
      positional({.d_model = config_.layer.d_model,
                  .max_len = config_.max_len,
                  .dropout = config_.layer.dropout,
                  .dtype = config_.layer.dtype},
                 gen),
      core({.d_model = config_.layer.d_model,
            .nhead = config_.layer.heads,
            .num_encoder_layers = config_.encoder_layers,
            .num_decoder_layers = config_.decoder_layers,
            .dim_feedforward = config_.layer.d_ff,
            .dropout = config_.layer.dropout,
            .activation = config_.layer.activation,
            .layer_norm_eps = config_.layer.layer_norm_eps,
            .batch_first = true,
            .norm_first = config_.layer.norm_first,
            .dtype = config_.layer.dtype,
            .final_norm = config_.final_norm,
            .xavier_init = false},
           gen),
      encoder(core.encoder),
      decoder(core.decoder),
      output_projection({.in_features = config_.layer.d_model,
                         .out_features = config_.target_vocab,
                         .dtype = config_.layer.dtype},
                        gen) {
  // Initialisation. The encoder and decoder matrices get Xavier-uniform values, as in
  // torch.nn.Transformer (here, after the output projection is built: the random draws come in the
  // same order as before the core existed, so every seeded run is unchanged). The embeddings get
  // N(0, 1/d_model), as in tensor2tensor and fairseq: after the ·√d_model scaling every feature then
  // has variance 1, and the tied output projection starts with logits of order 1 (with N(0, 1)
  // embeddings, torch.nn.Embedding's default, the first loss of a 1000-word model would be near 100
  // instead of ln 1000 ≈ 6.9).
  {
    core.reset_parameters(gen);
    NoGradGuard no_grad;
    const double std = 1.0 / std::sqrt(static_cast<double>(config_.layer.d_model));
    for (Embedding* e : {&source_embedding, &target_embedding})
      e->weight.copy_(normal(e->weight.shape(), 0.0, std, gen, {.dtype = e->weight.dtype()}));
  }
  if (config_.share_embeddings) target_embedding.weight = source_embedding.weight;
  if (config_.tie_output)
    output_projection.weight = target_embedding.weight;  // [V, d]: same shape, same tensor
  register_module("source_embedding", source_embedding);
  register_module("target_embedding", target_embedding);
  register_module("positional", positional);
  register_module("", core);  // no prefix: encoder.* and decoder.*, torch's names
  register_module("output_projection", output_projection);
}

// [doc:transformer-forward]
Tensor Transformer::encode(const Tensor& source) const {
  const Tensor source_padding = eq(source, static_cast<double>(config_.pad_id));  // [B, S]: hide padding keys
  return core.encode(positional(source_embedding(source)), {}, source_padding);
}

Tensor Transformer::decode(const Tensor& target_in, const Tensor& memory, const Tensor& source,
                           std::vector<Tensor>* cross_weights) const {
  const double pad = static_cast<double>(config_.pad_id);
  const Tensor hidden = core.decode(positional(target_embedding(target_in)), memory,
                                    causal_mask(target_in.size(1)),   // no peeking ahead
                                    {}, eq(target_in, pad),           // nor at target padding
                                    eq(source, pad), cross_weights);  // nor at source padding
  return output_projection(hidden);                                   // [B, T, target_vocab]
}

Tensor Transformer::forward(const Tensor& source, const Tensor& target_in) const {
  return decode(target_in, encode(source), source);
}
// [doc:end]

GenerationState Transformer::start_generation(const Tensor& source, std::int64_t max_target_len) const {
  if (grad_enabled())
    fail<AutogradError>(
        "Transformer::start_generation: generation runs under NoGradGuard (its caches are not part "
        "of the autograd graph)");
  if (max_target_len <= 0 || max_target_len > config_.max_len)
    fail<ValueError>("Transformer::start_generation: max_target_len must be in 1..", config_.max_len,
                     ", got ", max_target_len);
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
