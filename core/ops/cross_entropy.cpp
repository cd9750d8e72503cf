// cross_entropy.cpp: cross_entropy as one fused op (forward from log-sum-exp, backward softmax - q);
// the per-row loops are in core/kernels/cross_entropy.hpp.
#include "core/ops/cross_entropy.hpp"

#include <algorithm>
#include <cmath>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/kernels/cross_entropy.hpp"
#include "core/ops/loops.hpp"
#include "core/parallel/thread_pool.hpp"

namespace sf {

namespace {
/// Elements per task when the loss's rows are shared between threads.
constexpr std::int64_t kLossRowGrain = 1 << 14;
}  // namespace

struct CrossEntropy final : Node {
  SavedTensor logits{this};  // [N, C], contiguous
  Tensor lse;                // log Σ e^z per row [N]
  std::vector<std::int64_t> target;
  std::int64_t ignore_index = -100, counted = 0;
  double smoothing = 0;
  const char* name() const override { return "cross_entropy"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

// [doc:cross-entropy]
Tensor cross_entropy(const Tensor& logits, const Tensor& targets, std::int64_t ignore_index,
                     double label_smoothing) {
  if (targets.dtype() != kInt64)
    fail<TypeError>("cross_entropy: targets must be int64, got ", dtype_name(targets.dtype()));
  if (logits.dim() != targets.dim() + 1)
    fail<ShapeError>("cross_entropy: logits ", logits.shape(),
                     " need one more axis (the classes) than targets ", targets.shape());
  for (std::int64_t d = 0; d < targets.dim(); ++d)
    if (logits.size(d) != targets.size(d))
      fail<ShapeError>("cross_entropy: logits ", logits.shape(), " and targets ", targets.shape(),
                       " disagree on axis ", d);
  if (!(label_smoothing >= 0 && label_smoothing <= 1))
    fail<ValueError>("cross_entropy: label_smoothing must be in [0, 1], got ", label_smoothing);
  const std::int64_t C = logits.size(-1), N = targets.numel();
  const Tensor z = logits.contiguous();
  const std::vector<std::int64_t> t = targets.to_vector<std::int64_t>();
  std::int64_t counted = 0;
  for (std::int64_t r = 0; r < N; ++r) {
    const std::int64_t target = t[static_cast<std::size_t>(r)];
    if (target == ignore_index) continue;
    if (target < 0 || target >= C)
      fail<IndexError>("cross_entropy: target ", target, " at position ", r, " is out of range for ", C,
                       " classes");
    ++counted;
  }
  Tensor lse = empty({N}, {.dtype = logits.dtype()});
  std::vector<double> row_loss(static_cast<std::size_t>(N), 0.0);
  dispatch_float(logits.dtype(), "cross_entropy", [&]<class T>() {
    const T* pz = z.data<T>();
    T* pl = lse.data<T>();
    parallel_for(N, detail::rows_per_task(C, kLossRowGrain), [&](std::int64_t r0, std::int64_t r1) {
      for (std::int64_t r = r0; r < r1; ++r) {
        const std::int64_t target = t[static_cast<std::size_t>(r)];
        if (target == ignore_index) continue;  // an ignored row's loss stays 0 and its lse is never read
        row_loss[static_cast<std::size_t>(r)] =
            kernels::cross_entropy_row(pz + r * C, C, target, label_smoothing, pl + r);
      }
    });
  });
  double total = 0;  // summed in row order: the same whatever the number of threads
  for (double l : row_loss) total += l;
  Tensor out = scalar_tensor(counted ? total / static_cast<double>(counted) : 0.0, {.dtype = logits.dtype()});
  if (auto node = record<CrossEntropy>(out, {logits})) {
    node->logits.save(z);
    node->lse = lse;
    node->target = t;
    node->ignore_index = ignore_index;
    node->counted = counted;
    node->smoothing = label_smoothing;
  }
  return out;
}

std::vector<Tensor> CrossEntropy::backward(const Tensor& dout) {
  // d loss_r / d z_c = softmax(z)_c - q_c, q = (1-ε)·onehot(t) + ε/C; averaged over counted rows.
  const Tensor z = logits.get();
  const std::int64_t C = z.size(-1), N = static_cast<std::int64_t>(target.size());
  Tensor dz = empty(z.shape(), {.dtype = z.dtype()});
  const double scale = counted ? dout.item() / static_cast<double>(counted) : 0.0;
  dispatch_float(z.dtype(), "cross_entropy", [&]<class T>() {
    const T* pz = z.data<T>();
    const T* pl = lse.data<T>();
    T* pd = dz.data<T>();
    parallel_for(N, detail::rows_per_task(C, kLossRowGrain), [&](std::int64_t r0, std::int64_t r1) {
      for (std::int64_t r = r0; r < r1; ++r) {
        const std::int64_t tr = target[static_cast<std::size_t>(r)];
        if (tr == ignore_index) {
          std::fill(pd + r * C, pd + (r + 1) * C, T(0));
          continue;
        }
        kernels::cross_entropy_row_backward(pd + r * C, pz + r * C, C, tr, smoothing, pl[r],
                                            static_cast<T>(scale));
      }
    });
  });
  return {dz.view(input_shapes[0])};
}
// [doc:end]

}  // namespace sf
