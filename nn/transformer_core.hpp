// transformer_core.hpp: torch.nn.Transformer: the encoder-decoder on already-embedded sequences.
//
//   src [B, S, d_model] → Encoder → memory [B, S, d_model]
//   tgt [B, T, d_model] → Decoder(memory) → [B, T, d_model]
//
// The same constructor arguments, forward arguments, masks, parameter names (encoder.*, decoder.*,
// with the final encoder.norm and decoder.norm that torch always has) and initial distribution
// (Xavier-uniform matrices) as torch.nn.Transformer, so a PyTorch model ports line for line and its
// state_dict loads strictly. The embeddings, positions and output projection of a translation model
// live around it (nn/transformer.hpp).
#pragma once

#include <vector>

#include "nn/decoder.hpp"
#include "nn/encoder.hpp"

namespace sf::nn {

// [doc:transformer-core-config]
/// torch.nn.Transformer's arguments in its order (custom_encoder and custom_decoder are not
/// supported), then ours.
struct TransformerCoreConfig {
  std::int64_t d_model = 512;
  std::int64_t nhead = 8;
  std::int64_t num_encoder_layers = 6;
  std::int64_t num_decoder_layers = 6;
  std::int64_t dim_feedforward = 2048;
  double dropout = 0.1;
  Activation activation = Activation::ReLU;
  double layer_norm_eps = 1e-5;
  bool batch_first = false;  // PyTorch's default: [S, B, E]; true: [B, S, E]
  bool norm_first = false;   // false: post-LN (the paper); true: pre-LN
  DType dtype = kFloat32;
  // Ours, not torch's:
  bool final_norm = true;   // false drops encoder.norm and decoder.norm (older post-LN checkpoints)
  bool xavier_init = true;  // false: the caller calls reset_parameters itself (when its random stream needs)
};
// [doc:end]

/// TransformerCore model({.d_model = 8, .nhead = 2, .batch_first = true});
/// Tensor out = model(src, tgt, {}, TransformerCore::generate_square_subsequent_mask(T));
class TransformerCore : public Module {
  TransformerCoreConfig config_;  // first: the members below are built from the checked config

 public:
  explicit TransformerCore(TransformerCoreConfig config, Generator& gen = default_generator());

  /// src [B, S, d_model] and tgt [B, T, d_model] ([S, B, ...] and [T, B, ...] without batch_first),
  /// the output in tgt's layout. Masks as torch's (each bool, true = not allowed, or float, added to
  /// the scores; each may be empty): src_mask [S, S], tgt_mask [T, T] and memory_mask [T, S], or
  /// [B·nhead, ., .] per head; the key padding masks [B, S], [B, T] and [B, S].
  Tensor forward(const Tensor& src, const Tensor& tgt, const Tensor& src_mask = {},
                 const Tensor& tgt_mask = {}, const Tensor& memory_mask = {},
                 const Tensor& src_key_padding_mask = {}, const Tensor& tgt_key_padding_mask = {},
                 const Tensor& memory_key_padding_mask = {}) const;
  Tensor operator()(const Tensor& src, const Tensor& tgt, const Tensor& src_mask = {},
                    const Tensor& tgt_mask = {}, const Tensor& memory_mask = {},
                    const Tensor& src_key_padding_mask = {}, const Tensor& tgt_key_padding_mask = {},
                    const Tensor& memory_key_padding_mask = {}) const {
    return forward(src, tgt, src_mask, tgt_mask, memory_mask, src_key_padding_mask, tgt_key_padding_mask,
                   memory_key_padding_mask);
  }

  /// The encoder half (torch's model.encoder(src, mask, src_key_padding_mask)): memory in src's layout.
  Tensor encode(const Tensor& src, const Tensor& src_mask = {},
                const Tensor& src_key_padding_mask = {}) const;
  /// The decoder half (torch's model.decoder(tgt, memory, ...)). `cross_weights`, if given, receives
  /// each layer's cross-attention weights [B, nhead, T, S].
  Tensor decode(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask = {},
                const Tensor& memory_mask = {}, const Tensor& tgt_key_padding_mask = {},
                const Tensor& memory_key_padding_mask = {},
                std::vector<Tensor>* cross_weights = nullptr) const;

  /// [sz, sz] float: 0 on and below the diagonal, -inf above it (torch's static method of the same name).
  static Tensor generate_square_subsequent_mask(std::int64_t sz, DType dtype = kFloat32);

  /// Xavier-uniform values for every matrix of the encoder and decoder (torch's _reset_parameters).
  void reset_parameters(Generator& gen);

  const TransformerCoreConfig& config() const { return config_; }

  Encoder encoder;
  Decoder decoder;
};

}  // namespace sf::nn
