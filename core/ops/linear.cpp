// linear.cpp: y = x·Wᵀ + b, written with matmul and add (linear) and as one op (linear_fused, LinearOp).
#include "core/ops/linear.hpp"

#include <algorithm>
#include <type_traits>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/gemm/gemm.hpp"
#include "core/kernels/column_sum.hpp"
#include "core/ops/elementwise.hpp"
#include "core/ops/matmul.hpp"

namespace sf {

namespace {
/// The shapes both versions accept: weight [out, in], x [..., in], bias [out] or undefined.
void check_linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  if (weight.dim() != 2)
    fail<ShapeError>("linear: the weight must be 2-D [out, in], got shape ", weight.shape());
  if (x.dim() == 0 || x.size(-1) != weight.size(1))
    fail<ShapeError>("linear: input of shape ", x.shape(), " has ", x.dim() ? x.size(-1) : 0,
                     " features but the weight ", weight.shape(), " expects ", weight.size(1));
  if (bias.defined() && !(bias.shape() == Shape{weight.size(0)}))
    fail<ShapeError>("linear: bias of shape ", bias.shape(), " does not match the weight ", weight.shape(),
                     " (expected [", weight.size(0), "])");
}
}  // namespace

// [doc:linear]
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check_linear(x, weight, bias);
  const Tensor y = matmul(x, weight.transpose(0, 1));  // [..., in] · [in, out]: Wᵀ is a view, no copy
  return bias.defined() ? y + bias : y;                // the bias broadcasts over every row
}
// [doc:end]

// ---- the fused op ------------------------------------------------------------------------------------

struct LinearOp final : Node {
  SavedTensor x{this}, weight{this};  // x as [rows, in]
  const char* name() const override { return "linear"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor linear_fused(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check_linear(x, weight, bias);
  if (x.dtype() != weight.dtype() || (bias.defined() && bias.dtype() != weight.dtype()))
    fail<TypeError>("linear: input, weight and bias must have one dtype, got ", dtype_name(x.dtype()),
                    " and ", dtype_name(weight.dtype()));
  const std::int64_t in = weight.size(1), out_features = weight.size(0);
  const Tensor x2 = x.reshape({-1, in});  // [rows, in]: a view when x's rows are laid out evenly
  const std::int64_t rows = x2.size(0);
  Shape out_shape = x.shape();
  out_shape[out_shape.size() - 1] = out_features;
  Tensor y = empty(out_shape, {.dtype = x.dtype()});  // filled below as a [rows, out] matrix
  dispatch_float(x.dtype(), "linear", [&]<class T>() {
    T* py = y.data<T>();
    if (bias.defined()) {  // every row starts as the bias; the product is added onto it
      const Tensor b = bias.contiguous();
      for (std::int64_t r = 0; r < rows; ++r)
        std::copy(b.data<T>(), b.data<T>() + out_features, py + r * out_features);
    }
    const T beta = bias.defined() ? T(1) : T(0);
    const gemm::Matrix<const T> A{x2.data<T>(), x2.strides()[0], x2.strides()[1]};
    // Wᵀ: the weight read with its strides swapped
    const gemm::Matrix<const T> B{weight.data<T>(), weight.strides()[1], weight.strides()[0]};
    const gemm::Matrix<T> C{py, out_features, 1};
    if constexpr (std::is_same_v<T, float>)
      gemm::sgemm(rows, out_features, in, 1.0f, A, B, beta, C);
    else
      gemm::dgemm(rows, out_features, in, 1.0, A, B, beta, C);
  });
  if (auto node = record<LinearOp>(y, {x, weight, bias})) {
    if (node->needs_grad(1)) node->x.save(x2);
    if (node->needs_grad(0)) node->weight.save(weight);
  }
  return y;
}

std::vector<Tensor> LinearOp::backward(const Tensor& dout) {
  // y = x·Wᵀ + b:  dx = dy·W,  dW = dyᵀ·x,  db = Σ_rows dy.
  const Tensor dy = dout.contiguous().view({-1, dout.size(-1)});  // [rows, out]
  Tensor db;
  if (needs_grad(2)) {
    db = empty({dy.size(1)}, {.dtype = dy.dtype()});
    dispatch_float(dy.dtype(), "linear", [&]<class T>() {
      kernels::column_sum(db.data<T>(), dy.data<T>(), dy.size(0), dy.size(1));
    });
  }
  return {needs_grad(0) ? matmul(dy, weight.get()).view(input_shapes[0]) : Tensor(),
          needs_grad(1) ? matmul(dy.transpose(0, 1), x.get()) : Tensor(), db};
}

}  // namespace sf
