// dropout.cpp: the dropout and relu_dropout ops, each with its backward right under it; the mask
// loops are in core/kernels/dropout.hpp.
#include "core/ops/dropout.hpp"

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/kernels/dropout.hpp"
#include "core/ops/elementwise.hpp"
#include "core/parallel/thread_pool.hpp"

namespace sf {

// [doc:dropout-op]
struct DropoutOp final : Node {
  std::uint64_t key = 0, start = 0;  // the stream and position the mask was drawn from
  double p = 0;
  const char* name() const override { return "dropout"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

namespace {
/// Elements per task when a mask is applied on several threads.
constexpr std::int64_t kDropoutGrain = 1 << 14;

/// What dropout and relu_dropout ask of p (`op` names the one called).
void check_probability(const char* op, double p) {
  if (!(p >= 0.0 && p < 1.0)) fail<ValueError>(op, ": probability must be in [0, 1), got ", p);
}

/// out = mask(key, start) ⊙ in / (1 - p), shared between the threads for large tensors.
Tensor apply_mask(const Tensor& in, std::uint64_t key, std::uint64_t start, double p) {
  const Tensor x = in.contiguous();
  Tensor out = empty(x.shape(), {.dtype = x.dtype()});
  dispatch_float(x.dtype(), "dropout", [&]<class T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    const T scale = static_cast<T>(1.0 / (1.0 - p));
    parallel_for(x.numel(), kDropoutGrain, [&](std::int64_t b, std::int64_t e) {
      kernels::dropout_apply(po, px, b, e, key, start, static_cast<float>(p), scale);
    });
  });
  return out;
}
}  // namespace

Tensor dropout(const Tensor& x, double p, bool training, Generator& gen) {
  check_probability("dropout", p);
  if (!training || p == 0.0) return x;
  // The mask uses draws counter .. counter + n - 1 of the generator's stream; it is not stored:
  // backward draws the same numbers again.
  const std::uint64_t key = gen.key(), start = gen.state().counter;
  gen.skip(static_cast<std::uint64_t>(x.numel()));
  Tensor out = apply_mask(x, key, start, p);
  if (auto node = record<DropoutOp>(out, {x})) {
    node->key = key;
    node->start = start;
    node->p = p;
  }
  return out;
}

std::vector<Tensor> DropoutOp::backward(const Tensor& dout) { return {apply_mask(dout, key, start, p)}; }
// [doc:end]

// [doc:relu-dropout-op]
struct ReluDropoutOp final : Node {
  SavedTensor out{this};  // the slope is scale where out > 0 and 0 elsewhere
  double p = 0;
  const char* name() const override { return "relu_dropout"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor relu_dropout(const Tensor& x_in, double p, bool training, Generator& gen) {
  check_probability("relu_dropout", p);
  if (!training || p == 0.0) return relu(x_in);
  const std::uint64_t key = gen.key(), start = gen.state().counter;  // the draws dropout() would take
  gen.skip(static_cast<std::uint64_t>(x_in.numel()));
  const Tensor x = x_in.contiguous();
  Tensor out = empty(x.shape(), {.dtype = x.dtype()});
  dispatch_float(x.dtype(), "relu_dropout", [&]<class T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    const T scale = static_cast<T>(1.0 / (1.0 - p));
    parallel_for(x.numel(), kDropoutGrain, [&](std::int64_t b, std::int64_t e) {
      kernels::relu_dropout_apply(po, px, b, e, key, start, static_cast<float>(p), scale);
    });
  });
  if (auto node = record<ReluDropoutOp>(out, {x_in})) {
    node->out.save(out);
    node->p = p;
  }
  return out;
}

std::vector<Tensor> ReluDropoutOp::backward(const Tensor& dout_in) {
  const Tensor dout = dout_in.contiguous(), y = out.get();
  Tensor din = empty(y.shape(), {.dtype = y.dtype()});
  dispatch_float(y.dtype(), "relu_dropout", [&]<class T>() {
    const T scale = static_cast<T>(1.0 / (1.0 - p));
    parallel_for(y.numel(), kDropoutGrain, [&](std::int64_t b, std::int64_t e) {
      kernels::relu_dropout_backward(din.data<T>(), dout.data<T>(), y.data<T>(), b, e, scale);
    });
  });
  return {din};
}
// [doc:end]

}  // namespace sf
