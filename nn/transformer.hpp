// transformer.hpp: the encoder-decoder Transformer of "Attention Is All You Need", end to end.
//
//   source ids [B, S] → embedding·√d_model + PE → Encoder → memory [B, S, d_model]
//   target ids [B, T] → embedding·√d_model + PE → Decoder(memory) → output projection → logits [B, T, V]
//
// It is built around TransformerCore (nn/transformer_core.hpp, torch.nn.Transformer on embedded
// sequences), registered without a prefix, so the parameter names are the same as before the core
// existed (tested): encoder.* and decoder.* are exactly torch.nn.Transformer's (with final_norm, as
// torch always adds a final LayerNorm to both stacks); the embeddings and the projection are
// source_embedding.weight, target_embedding.weight and output_projection.{weight,bias}. As in the
// paper (§3.4) the output projection shares its weight with the target embedding (tie_output),
// and the two embeddings may share one table (share_embeddings, for a joint vocabulary).
// Initial weights: Xavier-uniform for the encoder and decoder matrices (as torch.nn.Transformer),
// N(0, 1/d_model) for the embeddings (so that embedding·√d_model has unit variance).
#pragma once

#include "nn/decoder.hpp"
#include "nn/embedding.hpp"
#include "nn/encoder.hpp"
#include "nn/kv_cache.hpp"
#include "nn/linear.hpp"
#include "nn/positional_encoding.hpp"
#include "nn/transformer_core.hpp"

namespace sf::nn {

struct TransformerConfig {
  std::int64_t source_vocab = 0;
  std::int64_t target_vocab = 0;
  LayerConfig layer = {};  // d_model, heads, d_ff, dropout, activation, norm_first
  std::int64_t encoder_layers = 6;
  std::int64_t decoder_layers = 6;
  bool final_norm = false;        // a LayerNorm after each stack (always on with norm_first)
  bool share_embeddings = false;  // one table for source and target (needs equal vocabularies)
  bool tie_output = true;         // the output projection reuses the target embedding (paper §3.4)
  std::int64_t max_len = 512;     // longest sequence the positional encoding accepts
  std::int64_t pad_id = 0;        // the padding token, masked out of attention

  /// The paper's base model: d_model 512, 8 heads, d_ff 2048, 6 + 6 layers, dropout 0.1.
  static TransformerConfig base(std::int64_t source_vocab, std::int64_t target_vocab);
  /// d_model 256, 8 heads, d_ff 1024, 4 + 4 layers.
  static TransformerConfig medium(std::int64_t source_vocab, std::int64_t target_vocab);
  /// d_model 128, 4 heads, d_ff 512, 2 + 2 layers: the toy translator's model.
  static TransformerConfig small(std::int64_t source_vocab, std::int64_t target_vocab);
};

/// The decoder's state during generation: the encoded source, its mask and every layer's key/value
/// cache (nn/kv_cache.hpp).
struct GenerationState {
  Tensor memory;       // [B, S, d_model]
  Tensor memory_mask;  // [B, 1, 1, S]
  std::vector<LayerCache> caches;
  std::int64_t position = 0;  // how many target tokens have been fed
  std::int64_t capacity = 0;  // the most target tokens this state can take
  /// Keeps batch rows `rows` (int64), in that order: how beam search follows its surviving beams.
  void select_rows(const Tensor& rows);
};

class Transformer : public Module {
  TransformerConfig config_;  // first: every member below is built from the checked config

 public:
  explicit Transformer(TransformerConfig config, Generator& gen = default_generator());

  /// Teacher forcing: logits [B, T, target_vocab] for every position of target_in at once.
  Tensor forward(const Tensor& source, const Tensor& target_in) const;
  Tensor operator()(const Tensor& source, const Tensor& target_in) const {
    return forward(source, target_in);
  }

  /// The encoder half: memory [B, S, d_model].
  Tensor encode(const Tensor& source) const;
  /// The decoder half on a whole target prefix: logits [B, T, target_vocab]. `cross_weights`, if
  /// given, receives each decoder layer's cross-attention weights [B, heads, T, S].
  Tensor decode(const Tensor& target_in, const Tensor& memory, const Tensor& source,
                std::vector<Tensor>* cross_weights = nullptr) const;

  /// Starts generation for `source` (under NoGradGuard): encodes it once.
  GenerationState start_generation(const Tensor& source, std::int64_t max_target_len) const;
  /// Feeds the next target tokens [B, n] (usually n = 1) and returns their logits [B, n, V],
  /// reusing every earlier position's keys and values.
  Tensor generation_step(GenerationState& state, const Tensor& tokens) const;

  const TransformerConfig& config() const { return config_; }

  Embedding source_embedding;
  Embedding target_embedding;
  PositionalEncoding positional;  // no parameters: the table is a formula
  TransformerCore core;           // encoder and decoder, batch first
  Encoder& encoder;               // core.encoder
  Decoder& decoder;               // core.decoder
  Linear output_projection;       // weight tied to target_embedding.weight when tie_output
};

}  // namespace sf::nn
