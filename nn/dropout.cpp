// dropout.cpp: the dropout op (with its backward) and the Dropout module.
#include "nn/dropout.hpp"

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/ops/elementwise.hpp"

namespace sf::nn {

struct DropoutOp final : Node {
  SavedTensor scale{this};  // 0 where dropped, 1/(1-p) where kept
  const char* name() const override { return "dropout"; }
  std::vector<Tensor> backward(const Tensor& dout) override { return {mul(dout, scale.get())}; }
};

Tensor dropout(const Tensor& x, double p, bool training, Generator& gen) {
  if (!(p >= 0.0 && p < 1.0)) fail<ValueError>("dropout: probability must be in [0, 1), got ", p);
  if (!training || p == 0.0) return x;
  // The mask as a tensor of scales, drawn from counter positions counter .. counter+n-1.
  const std::int64_t n = x.numel();
  const std::uint64_t start = gen.state().counter;
  Tensor scale = dispatch_float(x.dtype(), "dropout", [&]<class T>() {
    Tensor s = empty(x.shape(), {.dtype = x.dtype()});
    T* ps = s.data<T>();
    const T keep_scale = static_cast<T>(1.0 / (1.0 - p));
    const float threshold = static_cast<float>(p);
    for (std::int64_t i = 0; i < n; ++i)
      ps[i] = uniform_float_from_bits(gen.bits_at(start + static_cast<std::uint64_t>(i))) < threshold ? T(0)
                                                                                                    : keep_scale;
    return s;
  });
  gen.skip(static_cast<std::uint64_t>(n));
  Tensor out;
  {
    NoGradGuard no_grad;
    out = mul(x, scale);
  }
  if (auto node = record<DropoutOp>(out, {x})) node->scale.save(scale);
  return out;
}

Dropout::Dropout(DropoutConfig config, Generator& gen) : config_(config), gen_(&gen) {
  if (!(config.p >= 0.0 && config.p < 1.0)) fail<ValueError>("Dropout: probability must be in [0, 1), got ", config.p);
}

}  // namespace sf::nn
