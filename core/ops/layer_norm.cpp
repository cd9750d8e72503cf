// layer_norm.cpp: layer_norm written with tensor ops (so its gradient comes from theirs), and the same
// function as one op (layer_norm_fused, LayerNormOp) on the kernels of core/kernels/layer_norm.hpp.
#include "core/ops/layer_norm.hpp"

#include <algorithm>
#include <vector>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/kernels/layer_norm.hpp"
#include "core/ops/elementwise.hpp"
#include "core/ops/loops.hpp"
#include "core/ops/reduce.hpp"
#include "core/parallel/thread_pool.hpp"

namespace sf {

namespace {
/// The shapes both versions accept: x with at least one axis, weight and bias [d] or undefined.
void check_layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  if (x.dim() == 0) fail<ShapeError>("layer_norm: the input needs at least one axis");
  const std::int64_t d = x.size(-1);
  for (const Tensor* p : {&weight, &bias})
    if (p->defined() && !(p->shape() == Shape{d}))
      fail<ShapeError>("layer_norm: input of shape ", x.shape(), " is normalised over its last axis of size ",
                       d, " but weight/bias have shape ", p->shape());
}
}  // namespace

// [doc:layer-norm]
Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps) {
  check_layer_norm(x, weight, bias);
  const Tensor mu = mean(x, -1, /*keepdim=*/true);                     // [..., 1]
  const Tensor var_ = var(x, -1, /*keepdim=*/true, /*correction=*/0);  // population variance
  Tensor y = (x - mu) / sqrt(var_ + eps);                              // mean 0, variance ~1 per row
  if (weight.defined()) y = y * weight;                                // γ, broadcast over rows
  if (bias.defined()) y = y + bias;                                    // β
  return y;
}
// [doc:end]

// ---- the fused op -------------------------------------------------------------------------------------

struct LayerNormOp final : Node {
  SavedTensor x{this}, weight{this}, mean{this}, rstd{this};  // x contiguous [rows, d]; mean, rstd [rows]
  const char* name() const override { return "layer_norm"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor layer_norm_fused(const Tensor& x_in, const Tensor& weight_in, const Tensor& bias_in, double eps) {
  check_layer_norm(x_in, weight_in, bias_in);
  // Contiguous copies (or the tensors themselves), kept alive here while the kernel reads them.
  const Tensor x = x_in.contiguous();
  const Tensor weight = weight_in.defined() ? weight_in.contiguous() : Tensor();
  const Tensor bias = bias_in.defined() ? bias_in.contiguous() : Tensor();
  const std::int64_t d = x.size(-1), rows = x.numel() / std::max<std::int64_t>(d, 1);
  Tensor y = empty(x.shape(), {.dtype = x.dtype()});
  Tensor mean = empty({rows}, {.dtype = x.dtype()}), rstd = empty({rows}, {.dtype = x.dtype()});
  dispatch_float(x.dtype(), "layer_norm", [&]<class T>() {
    const T* g = weight.defined() ? weight.data<T>() : nullptr;
    const T* b = bias.defined() ? bias.data<T>() : nullptr;
    parallel_for(rows, detail::rows_per_task(d), [&](std::int64_t r0, std::int64_t r1) {
      kernels::layer_norm_forward(y.data<T>(), mean.data<T>(), rstd.data<T>(), x.data<T>(), g, b, r0, r1, d,
                                  eps);
    });
  });
  if (auto node = record<LayerNormOp>(y, {x_in, weight_in, bias_in})) {
    node->x.save(x);
    if (weight.defined()) node->weight.save(weight);
    node->mean.save(mean);
    node->rstd.save(rstd);
  }
  return y;
}

std::vector<Tensor> LayerNormOp::backward(const Tensor& dout_in) {
  const Tensor xs = x.get(), mu = mean.get(), rs = rstd.get(), dy = dout_in.contiguous();
  const std::int64_t d = xs.size(-1), rows = mu.numel();
  const Tensor gamma = needs_grad(0) && !input_shapes[1].empty() ? weight.get() : Tensor();
  Tensor dx, dgamma, dbeta;
  dispatch_float(xs.dtype(), "layer_norm", [&]<class T>() {
    const bool params = needs_grad(1) || needs_grad(2);
    if (needs_grad(0)) dx = empty(xs.shape(), {.dtype = xs.dtype()});
    const T* g = gamma.defined() ? gamma.data<T>() : nullptr;
    // One pass over fixed chunks of 64 rows: each computes its rows of dx and its share of the γ/β
    // sums, and the shares are added in chunk order: the same bits whatever the number of threads.
    const std::int64_t chunks = (rows + 63) / 64;
    std::vector<T> partial(params ? static_cast<std::size_t>(2 * chunks * d) : 0);
    parallel_for(chunks, 1, [&](std::int64_t c0, std::int64_t c1) {
      std::vector<T> scratch(static_cast<std::size_t>(2 * d));
      for (std::int64_t c = c0; c < c1; ++c) {
        T* share = params ? partial.data() + 2 * c * d : nullptr;
        kernels::layer_norm_backward(dx.defined() ? dx.data<T>() : nullptr, share,
                                     share ? share + d : nullptr, dy.data<T>(), xs.data<T>(), mu.data<T>(),
                                     rs.data<T>(), g, c * 64, std::min(rows, (c + 1) * 64), d,
                                     scratch.data());
      }
    });
    if (params) {
      dgamma = zeros({d}, {.dtype = xs.dtype()});
      dbeta = zeros({d}, {.dtype = xs.dtype()});
      T* pg = dgamma.data<T>();
      T* pb = dbeta.data<T>();
      for (std::int64_t c = 0; c < chunks; ++c)
        for (std::int64_t i = 0; i < d; ++i) {
          pg[i] += partial[static_cast<std::size_t>(2 * c * d + i)];
          pb[i] += partial[static_cast<std::size_t>((2 * c + 1) * d + i)];
        }
    }
  });
  return {dx.defined() ? dx.view(input_shapes[0]) : Tensor(), needs_grad(1) ? dgamma : Tensor(),
          needs_grad(2) ? dbeta : Tensor()};
}

}  // namespace sf
