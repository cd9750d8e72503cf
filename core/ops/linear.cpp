// linear.cpp: y = x·Wᵀ + b, written with matmul and add (linear) and as one op (linear_fused, LinearOp),
// which can also run a ReLU, dropout and a residual add on its output as the product finishes it.
#include "core/ops/linear.hpp"

#include <algorithm>
#include <type_traits>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/gemm/gemm.hpp"
#include "core/kernels/column_sum.hpp"
#include "core/kernels/dropout.hpp"
#include "core/kernels/epilogue.hpp"
#include "core/ops/elementwise.hpp"
#include "core/ops/matmul.hpp"

namespace sf {

namespace {
/// The shapes both versions accept: weight [out, in], x [..., in], bias [out] or undefined.
void check_linear(const char* op, const Tensor& x, const Tensor& weight, const Tensor& bias) {
  if (weight.dim() != 2)
    fail<ShapeError>(op, ": the weight must be 2-D [out, in], got shape ", weight.shape());
  if (x.dim() == 0 || x.size(-1) != weight.size(1))
    fail<ShapeError>(op, ": input of shape ", x.shape(), " has ", x.dim() ? x.size(-1) : 0,
                     " features but the weight ", weight.shape(), " expects ", weight.size(1));
  if (bias.defined() && !(bias.shape() == Shape{weight.size(0)}))
    fail<ShapeError>(op, ": bias of shape ", bias.shape(), " does not match the weight ", weight.shape(),
                     " (expected [", weight.size(0), "])");
}
}  // namespace

// [doc:linear]
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check_linear("linear", x, weight, bias);
  const Tensor y = matmul(x, weight.transpose(0, 1));  // [..., in] · [in, out]: Wᵀ is a view, no copy
  return bias.defined() ? y + bias : y;                // the bias broadcasts over every row
}
// [doc:end]

// ---- the fused op, and the epilogues that can follow it -------------------------------------------

// [doc:linear-op]
// One node for linear_fused and its fused epilogues: y = residual + dropout(act(x·Wᵀ + b)), each step
// optional (core/kernels/epilogue.hpp).
struct LinearOp final : Node {
  SavedTensor x{this}, weight{this};  // x as [rows, in]
  SavedTensor out{this};              // with a ReLU: the output, whose sign gives the slope
  bool relu = false;
  double p = 0;                      // dropout, when > 0
  std::uint64_t key = 0, start = 0;  // its mask's stream and first draw
  const char* op = "linear";
  const char* name() const override { return op; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

namespace {
/// What follows the product in one of the ops below.
struct After {
  const char* op;
  bool relu = false;
  double p = 0;  // dropout, applied when training
  bool training = false;
  Generator* gen = nullptr;
  Tensor residual = Tensor();  // undefined: no residual add
};

Tensor linear_then(const Tensor& x, const Tensor& weight, const Tensor& bias, const After& after) {
  check_linear(after.op, x, weight, bias);
  if (x.dtype() != weight.dtype() || (bias.defined() && bias.dtype() != weight.dtype()))
    fail<TypeError>(after.op, ": input, weight and bias must have one dtype, got ", dtype_name(x.dtype()),
                    " and ", dtype_name(weight.dtype()));
  if (!(after.p >= 0.0 && after.p < 1.0))
    fail<ValueError>(after.op, ": probability must be in [0, 1), got ", after.p);
  const std::int64_t in = weight.size(1), out_features = weight.size(0);
  const Tensor x2 = x.reshape({-1, in});  // [rows, in]: a view when x's rows are laid out evenly
  const std::int64_t rows = x2.size(0);
  Shape out_shape = x.shape();
  out_shape[out_shape.size() - 1] = out_features;
  Tensor residual;
  if (after.residual.defined()) {
    if (!(after.residual.shape() == out_shape))
      fail<ShapeError>(after.op, ": the residual has shape ", after.residual.shape(), " but the output has ",
                       out_shape, " (no broadcasting here)");
    if (after.residual.dtype() != x.dtype())
      fail<TypeError>(after.op, ": the residual must have the input's dtype ", dtype_name(x.dtype()),
                      ", got ", dtype_name(after.residual.dtype()));
    residual = after.residual.contiguous();
  }
  // The dropout mask takes the draws that dropout() would take after the product.
  const bool drop = after.training && after.p > 0.0;
  std::uint64_t key = 0, start = 0;
  if (drop) {
    key = after.gen->key();
    start = after.gen->state().counter;
    after.gen->skip(static_cast<std::uint64_t>(rows * out_features));
  }
  Tensor y = empty(out_shape, {.dtype = x.dtype()});  // filled below as a [rows, out] matrix
  dispatch_float(x.dtype(), after.op, [&]<class T>() {
    const Tensor b = bias.defined() ? bias.contiguous() : Tensor();
    kernels::Epilogue<T> e{.bias = b.defined() ? b.data<T>() : nullptr,
                           .relu = after.relu,
                           .p = drop ? static_cast<float>(after.p) : 0.0f,
                           .scale = drop ? static_cast<T>(1.0 / (1.0 - after.p)) : T(1),
                           .key = key,
                           .start = start,
                           .columns = out_features,
                           .residual = residual.defined() ? residual.data<T>() : nullptr,
                           .residual_stride = out_features};
    const gemm::Matrix<const T> A{x2.data<T>(), x2.strides()[0], x2.strides()[1]};
    // Wᵀ: the weight read with its strides swapped
    const gemm::Matrix<const T> B{weight.data<T>(), weight.strides()[1], weight.strides()[0]};
    const gemm::Matrix<T> C{y.data<T>(), out_features, 1};
    if constexpr (std::is_same_v<T, float>) {
      gemm::sgemm_epilogue(rows, out_features, in, A, B, C, e);
    } else {  // float64, for gradient checks: the same steps as passes over the whole output
      if (e.bias != nullptr)
        for (std::int64_t r = 0; r < rows; ++r)
          std::copy(e.bias, e.bias + out_features, C.data + r * out_features);
      gemm::dgemm(rows, out_features, in, 1.0, A, B, e.bias != nullptr ? 1.0 : 0.0, C);
      if (e.has_finish()) kernels::epilogue_finish(e, C.data, out_features, 0, 0, rows, out_features);
    }
  });
  if (auto node = record<LinearOp>(y, {x, weight, bias, after.residual})) {
    node->op = after.op;
    if (node->needs_grad(1)) node->x.save(x2);
    if (node->needs_grad(0)) node->weight.save(weight);
    if (after.relu) node->out.save(y);
    node->relu = after.relu;
    node->p = drop ? after.p : 0.0;
    node->key = key;
    node->start = start;
  }
  return y;
}
}  // namespace

Tensor linear_fused(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  return linear_then(x, weight, bias, {.op = "linear"});
}

Tensor linear_relu_dropout(const Tensor& x, const Tensor& weight, const Tensor& bias, double p, bool training,
                           Generator& gen) {
  return linear_then(x, weight, bias,
                     {.op = "linear_relu_dropout", .relu = true, .p = p, .training = training, .gen = &gen});
}

Tensor linear_dropout_add(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& residual,
                          double p, bool training, Generator& gen) {
  if (!residual.defined()) fail<ValueError>("linear_dropout_add: the residual is undefined");
  return linear_then(
      x, weight, bias,
      {.op = "linear_dropout_add", .p = p, .training = training, .gen = &gen, .residual = residual});
}

std::vector<Tensor> LinearOp::backward(const Tensor& dout) {
  // y = residual + dropout(act(z)) with z = x·Wᵀ + b:  dresidual = dy, dz = dy·mask·scale·act'(z),
  // then dx = dz·W,  dW = dzᵀ·x,  db = Σ_rows dz.
  const Tensor dy = dout.contiguous().view({-1, dout.size(-1)});  // [rows, out]
  const std::int64_t rows = dy.size(0), cols = dy.size(1);
  Tensor dz = dy, db;
  if (needs_grad(2)) db = empty({cols}, {.dtype = dy.dtype()});
  if (relu || p > 0) dz = empty(dy.shape(), {.dtype = dy.dtype()});
  const Tensor y = relu ? out.get() : Tensor();
  dispatch_float(dy.dtype(), op, [&]<class T>() {
    const T scale = static_cast<T>(p > 0 ? 1.0 / (1.0 - p) : 1.0);
    // Rows [r0, r1) of dz. With a ReLU the output is > 0 exactly where the element was kept and
    // positive: the slope is scale there and 0 elsewhere (relu_dropout's backward). Without, the
    // mask is drawn again.
    auto rows_of_dz = [&](std::int64_t r0, std::int64_t r1) {
      if (relu)
        kernels::relu_dropout_backward(dz.data<T>(), dy.data<T>(), y.data<T>(), r0 * cols, r1 * cols, scale);
      else if (p > 0)
        kernels::dropout_apply(dz.data<T>(), dy.data<T>(), r0 * cols, r1 * cols, key, start,
                               static_cast<float>(p), scale);
    };
    // db = Σ_rows dz, each chunk of rows summed right after it is made.
    if (db.defined())
      kernels::column_sum_of(db.data<T>(), dz.data<T>(), rows, cols, rows_of_dz);
    else if (relu || p > 0)
      parallel_for(rows, kernels::kColumnSumChunk, rows_of_dz);
  });
  return {needs_grad(0) ? matmul(dz, weight.get()).view(input_shapes[0]) : Tensor(),
          needs_grad(1) ? matmul(dz.transpose(0, 1), x.get()) : Tensor(), db,
          needs_grad(3) ? dout : Tensor()};
}
// [doc:end]

}  // namespace sf
