// matmul.cpp: the matmul op. It checks shapes, maps a broadcast batched product onto calls of the
// gemm kernels (core/gemm/gemm.hpp), and records the backward pass.
//
//   C = A·B   ⇒   dA = dC·Bᵀ   and   dB = Aᵀ·dC
//
// The transposes in the backward are views (swapped strides), which the kernels read directly.
#include "core/ops/matmul.hpp"

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/gemm/gemm.hpp"
#include "core/kernels/strided_loop.hpp"
#include "core/ops/loops.hpp"
#include "core/ops/reduce.hpp"

namespace sf {
namespace {

Shape batch_part(const Shape& s) {
  Shape b;
  for (std::int64_t i = 0; i + 2 < s.size(); ++i) b.push_back(s[i]);
  return b;
}

/// The strides that walk t's batch axes (all but the last two) over the broadcast batch shape:
/// 0 where t has size 1 or lacks the axis, so one matrix serves the whole batch without a copy.
Strides batch_strides(const Tensor& t, const Shape& batch) {
  Strides s = Dims::filled(batch.size(), 0);
  const std::int64_t lead = batch.size() - (t.dim() - 2);
  for (std::int64_t i = lead; i < batch.size(); ++i) s[i] = t.size(i - lead) == 1 ? 0 : t.strides()[i - lead];
  return s;
}

// [doc:matmul-batched]
/// C[batch..., M, N] = A[batch..., M, K] · B[batch..., K, N], batch axes already broadcast-compatible.
/// The batch axes are walked with for_each_row: each innermost run of batches is one strided
/// batched gemm call, so [B, h, L, d] views with awkward strides still need no copy.
void batched_product(const Tensor& a, const Tensor& b, const Tensor& c) {
  const std::int64_t M = a.size(-2), K = a.size(-1), N = b.size(-1);
  const Shape batch = batch_part(c.shape());
  const Strides ba = batch_strides(a, batch), bb = batch_strides(b, batch), bc = batch_part(c.strides());
  const std::int64_t ars = a.strides()[a.dim() - 2], acs = a.strides()[a.dim() - 1];
  const std::int64_t brs = b.strides()[b.dim() - 2], bcs = b.strides()[b.dim() - 1];
  const std::int64_t crs = c.strides()[c.dim() - 2];
  dispatch_float(a.dtype(), "matmul", [&]<class T>() {
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* pc = c.data<T>();
    kernels::for_each_row<3>(
        batch, {bc, ba, bb},
        [&](std::int64_t n, const kernels::Offsets<3>& at, const kernels::Offsets<3>& step) {
          const gemm::Matrix<const T> A{pa + at[1], ars, acs};
          const gemm::Matrix<const T> B{pb + at[2], brs, bcs};
          const gemm::Matrix<T> C{pc + at[0], crs, 1};
          if constexpr (std::is_same_v<T, float>)
            gemm::sgemm_batched(n, M, N, K, 1.0f, A, step[1], B, step[2], 0.0f, C, step[0]);
          else
            gemm::dgemm_batched(n, M, N, K, 1.0, A, step[1], B, step[2], 0.0, C, step[0]);
        });
  });
}
// [doc:end]

}  // namespace

struct MatMul final : Node {
  SavedTensor a{this}, b{this};
  const char* name() const override { return "matmul"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

Tensor matmul(const Tensor& a_in, const Tensor& b_in) {
  if (a_in.dtype() != b_in.dtype())
    fail<TypeError>("matmul: dtypes differ: ", dtype_name(a_in.dtype()), " and ", dtype_name(b_in.dtype()));
  if (a_in.dim() == 0 || b_in.dim() == 0)
    fail<ShapeError>("matmul: both operands need at least one dimension, got ", a_in.shape(), " and ",
                     b_in.shape());
  // A vector is a 1-row (left) or 1-column (right) matrix; that axis is removed again at the end.
  // [doc:matmul-fold]
  // [..., M, K] · [K, N] (a Linear layer on a batch) is one [(...·M), K] · [K, N] product: a single
  // large gemm instead of many small ones, whose backward gives the weight gradient already summed.
  if (b_in.dim() == 2 && a_in.dim() > 2 && a_in.size(-1) == b_in.size(0)) {
    Shape out_shape = a_in.shape();
    out_shape[out_shape.size() - 1] = b_in.size(1);
    return matmul(a_in.reshape({-1, a_in.size(-1)}), b_in).view(out_shape);
  }
  // [doc:end]
  const Tensor a = a_in.dim() == 1 ? a_in.unsqueeze(0) : a_in;
  const Tensor b = b_in.dim() == 1 ? b_in.unsqueeze(1) : b_in;
  if (a.size(-1) != b.size(-2))
    fail<ShapeError>("matmul: cannot multiply ", a_in.shape(), " by ", b_in.shape(), ": inner dimensions ",
                     a.size(-1), " and ", b.size(-2), " differ");
  const Shape ba = batch_part(a.shape()), bb = batch_part(b.shape());
  Shape out_shape;
  for (std::int64_t i = 1; i <= std::max(ba.size(), bb.size()); ++i) {
    const std::int64_t da = i <= ba.size() ? ba[ba.size() - i] : 1,
                       db = i <= bb.size() ? bb[bb.size() - i] : 1;
    if (da != db && da != 1 && db != 1)
      fail<ShapeError>("matmul: cannot multiply ", a_in.shape(), " by ", b_in.shape(), ": batch dimensions ",
                       ba, " and ", bb, " cannot be broadcast");
    out_shape.insert(0, da == 1 ? db : da);
  }
  out_shape.push_back(a.size(-2));
  out_shape.push_back(b.size(-1));
  Tensor out = empty(out_shape, {.dtype = a.dtype()});
  batched_product(a, b, out);
  if (auto node = record<MatMul>(out, {a, b})) {
    if (node->needs_grad(1)) node->a.save(a);
    if (node->needs_grad(0)) node->b.save(b);
  }
  if (a_in.dim() == 1) out = out.squeeze(-2);
  if (b_in.dim() == 1) out = out.squeeze(-1);
  return out;
}

// [doc:matmul-backward]
std::vector<Tensor> MatMul::backward(const Tensor& dout) {
  // C = A·B: dA = dC·Bᵀ and dB = Aᵀ·dC, then summed over any batch axes that were broadcast.
  return {needs_grad(0) ? sum_to(matmul(dout, b.get().transpose(-2, -1)), input_shapes[0]) : Tensor(),
          needs_grad(1) ? sum_to(matmul(a.get().transpose(-2, -1), dout), input_shapes[1]) : Tensor()};
}
// [doc:end]

}  // namespace sf
