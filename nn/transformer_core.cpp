// transformer_core.cpp: TransformerCore: torch.nn.Transformer's checks, layouts and masks around the
// Encoder and Decoder.
#include "nn/transformer_core.hpp"

#include <limits>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/ops/attention.hpp"
#include "core/ops/index.hpp"
#include "nn/init.hpp"

namespace sf::nn {

namespace {
TransformerCoreConfig checked(TransformerCoreConfig c) {
  if (c.num_encoder_layers <= 0 || c.num_decoder_layers <= 0)
    fail<ValueError>("TransformerCore: num_encoder_layers and num_decoder_layers must be positive, got ",
                     c.num_encoder_layers, " and ", c.num_decoder_layers);
  if (c.norm_first && !c.final_norm)
    fail<ValueError>(
        "TransformerCore: norm_first needs final_norm (pre-LN leaves the last layer unnormalised)");
  return c;  // d_model, nhead and the sizes are checked by the layers they build
}

LayerConfig layer_config(const TransformerCoreConfig& c) {
  return {.d_model = c.d_model,
          .heads = c.nhead,
          .d_ff = c.dim_feedforward,
          .dropout = c.dropout,
          .activation = c.activation,
          .norm_first = c.norm_first,
          .layer_norm_eps = c.layer_norm_eps,
          .dtype = c.dtype};
}
}  // namespace

TransformerCore::TransformerCore(TransformerCoreConfig config, Generator& gen)
    : config_(checked(config)),
      encoder({.layer = layer_config(config_),
               .layers = config_.num_encoder_layers,
               .final_norm = config_.final_norm},
              gen),
      decoder({.layer = layer_config(config_),
               .layers = config_.num_decoder_layers,
               .final_norm = config_.final_norm},
              gen) {
  register_module("encoder", encoder);
  register_module("decoder", decoder);
  if (config_.xavier_init) reset_parameters(gen);
}

void TransformerCore::reset_parameters(Generator& gen) {
  NoGradGuard no_grad;
  for (auto& [name, p] : named_parameters())
    if (p.dim() > 1) p.copy_(init::xavier_uniform(p.shape(), gen, p.dtype()));
}

Tensor TransformerCore::generate_square_subsequent_mask(std::int64_t sz, DType dtype) {
  return masked_fill(zeros({sz, sz}, {.dtype = dtype}), causal_mask(sz),
                     -std::numeric_limits<double>::infinity());
}

namespace {
/// A sequence argument in our layout [B, L, d_model]: `batch_first` keeps it, otherwise the first two
/// axes are swapped (a view).
Tensor batch_major(const Tensor& x, const char* name, const TransformerCoreConfig& c) {
  if (x.dim() != 3 || x.size(-1) != c.d_model)
    fail<ShapeError>("TransformerCore: expected ", name, c.batch_first ? " [B, L, " : " [L, B, ", c.d_model,
                     "] (batch_first = ", c.batch_first ? "true" : "false", "), got ", x.shape());
  return c.batch_first ? x : x.transpose(0, 1);
}
}  // namespace

// [doc:transformer-core-forward]
Tensor TransformerCore::encode(const Tensor& src, const Tensor& src_mask,
                               const Tensor& src_key_padding_mask) const {
  const Tensor x = batch_major(src, "src", config_);  // [B, S, E]
  const std::int64_t B = x.size(0), S = x.size(1);
  const Tensor mask = combine_masks(src_mask, src_key_padding_mask, {B, config_.nhead, S, S}, x.dtype(),
                                    {"TransformerCore", "src_mask", "src_key_padding_mask"});
  const Tensor memory = encoder(x, mask);
  return config_.batch_first ? memory : memory.transpose(0, 1);
}

Tensor TransformerCore::decode(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask,
                               const Tensor& memory_mask, const Tensor& tgt_key_padding_mask,
                               const Tensor& memory_key_padding_mask,
                               std::vector<Tensor>* cross_weights) const {
  const Tensor y = batch_major(tgt, "tgt", config_), m = batch_major(memory, "memory", config_);
  const std::int64_t B = y.size(0), T = y.size(1), S = m.size(1);
  if (m.size(0) != B)
    fail<ShapeError>("TransformerCore: tgt ", tgt.shape(), " and memory ", memory.shape(),
                     " must have the same batch size");
  // Each attention's pair of masks becomes one mask, once for every layer.
  const Tensor self_mask = combine_masks(tgt_mask, tgt_key_padding_mask, {B, config_.nhead, T, T}, y.dtype(),
                                         {"TransformerCore", "tgt_mask", "tgt_key_padding_mask"});
  const Tensor cross_mask =
      combine_masks(memory_mask, memory_key_padding_mask, {B, config_.nhead, T, S}, y.dtype(),
                    {"TransformerCore", "memory_mask", "memory_key_padding_mask"});
  const Tensor out = decoder.forward(y, m, self_mask, cross_mask, cross_weights);
  return config_.batch_first ? out : out.transpose(0, 1);
}

Tensor TransformerCore::forward(const Tensor& src, const Tensor& tgt, const Tensor& src_mask,
                                const Tensor& tgt_mask, const Tensor& memory_mask,
                                const Tensor& src_key_padding_mask, const Tensor& tgt_key_padding_mask,
                                const Tensor& memory_key_padding_mask) const {
  const std::int64_t batch_axis = config_.batch_first ? 0 : 1;
  if (src.dim() == 3 && tgt.dim() == 3 && src.size(batch_axis) != tgt.size(batch_axis))
    fail<ShapeError>("TransformerCore: src ", src.shape(), " and tgt ", tgt.shape(),
                     " must have the same batch size (axis ", batch_axis, ")");
  const Tensor memory = encode(src, src_mask, src_key_padding_mask);
  return decode(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask);
}
// [doc:end]

}  // namespace sf::nn
