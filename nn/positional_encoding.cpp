// positional_encoding.cpp: the sinusoidal table and the PositionalEncoding module.
#include "nn/positional_encoding.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/ops/elementwise.hpp"

namespace sf::nn {

// [doc:sinusoid]
Tensor sinusoidal_encoding(std::int64_t max_len, std::int64_t d_model, DType dtype) {
  if (max_len <= 0 || d_model <= 0 || d_model % 2 != 0)
    fail<ValueError>("sinusoidal_encoding: need max_len > 0 and an even d_model > 0, got ", max_len, " and ",
                     d_model);
  std::vector<double> pe(static_cast<std::size_t>(max_len * d_model));
  for (std::int64_t p = 0; p < max_len; ++p)
    for (std::int64_t i = 0; 2 * i < d_model; ++i) {
      // wavelength 2π · 10000^(2i/d_model): from 2π for i = 0 up to 2π·10000
      const double angle = static_cast<double>(p) / std::pow(10000.0, static_cast<double>(2 * i) / d_model);
      pe[static_cast<std::size_t>(p * d_model + 2 * i)] = std::sin(angle);
      pe[static_cast<std::size_t>(p * d_model + 2 * i + 1)] = std::cos(angle);
    }
  return tensor(pe, {max_len, d_model}, {.dtype = dtype});
}
// [doc:end]

PositionalEncoding::PositionalEncoding(PositionalEncodingConfig config, Generator& gen)
    : table(sinusoidal_encoding(config.max_len, config.d_model, config.dtype)),
      dropout({.p = config.dropout}, gen),
      config_(config) {
  register_buffer("table", table, /*persistent=*/false);
  register_module("dropout", dropout);
}

// [doc:positional-forward]
Tensor PositionalEncoding::forward(const Tensor& x, std::int64_t start) const {
  if (x.dim() < 2 || x.size(-1) != config_.d_model)
    fail<ShapeError>("PositionalEncoding: expected input [B, L, ", config_.d_model, "] or [L, ",
                     config_.d_model, "], got ", x.shape());
  const std::int64_t length = x.size(-2);
  if (start < 0 || start + length > config_.max_len)
    fail<ValueError>("PositionalEncoding: positions ", start, "..", start + length - 1,
                     " are needed but max_len is ", config_.max_len, " (raise max_len in the config)");
  const Tensor scaled = config_.scale_input ? x * std::sqrt(static_cast<double>(config_.d_model)) : x;
  return dropout(scaled + table.narrow(0, start, length));  // PE[start : start+L] broadcasts over the batch
}
// [doc:end]

}  // namespace sf::nn
