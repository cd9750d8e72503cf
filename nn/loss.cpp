// loss.cpp: cross_entropy as one fused op (forward from log-sum-exp, backward softmax - q).
#include "nn/loss.hpp"

#include <cmath>

#include "core/autograd.hpp"
#include "core/error.hpp"

namespace sf::nn {

struct CrossEntropy final : Node {
  SavedTensor logits{this};  // [N, C], contiguous
  std::vector<double> lse;   // log Σ e^z per row
  std::vector<std::int64_t> target;
  std::int64_t ignore_index = -100, counted = 0;
  double smoothing = 0;
  const char* name() const override { return "cross_entropy"; }
  std::vector<Tensor> backward(const Tensor& dout) override;
};

// [doc:cross-entropy]
Tensor cross_entropy(const Tensor& logits, const Tensor& targets, std::int64_t ignore_index, double label_smoothing) {
  if (targets.dtype() != kInt64) fail<TypeError>("cross_entropy: targets must be int64, got ", dtype_name(targets.dtype()));
  if (logits.dim() != targets.dim() + 1)
    fail<ShapeError>("cross_entropy: logits ", logits.shape(), " need one more axis (the classes) than targets ",
                     targets.shape());
  for (std::int64_t d = 0; d < targets.dim(); ++d)
    if (logits.size(d) != targets.size(d))
      fail<ShapeError>("cross_entropy: logits ", logits.shape(), " and targets ", targets.shape(),
                       " disagree on axis ", d);
  if (!(label_smoothing >= 0 && label_smoothing <= 1))
    fail<ValueError>("cross_entropy: label_smoothing must be in [0, 1], got ", label_smoothing);
  const std::int64_t C = logits.size(-1), N = targets.numel();
  const Tensor z = logits.contiguous();
  const std::vector<std::int64_t> t = targets.to_vector<std::int64_t>();
  std::vector<double> lse(static_cast<std::size_t>(N));
  double total = 0;
  std::int64_t counted = 0;
  dispatch_float(logits.dtype(), "cross_entropy", [&]<class T>() {
    const T* pz = z.data<T>();
    for (std::int64_t r = 0; r < N; ++r) {
      const T* row = pz + r * C;
      double m = row[0], sum = 0, mean_z = 0;
      for (std::int64_t c = 1; c < C; ++c) m = std::max(m, static_cast<double>(row[c]));
      for (std::int64_t c = 0; c < C; ++c) {
        sum += std::exp(row[c] - m);  // every exponent ≤ 0: no overflow
        mean_z += row[c];
      }
      lse[static_cast<std::size_t>(r)] = m + std::log(sum);  // log Σ e^z, and log p_c = z_c - lse ≥ -∞ never hit
      const std::int64_t target = t[static_cast<std::size_t>(r)];
      if (target == ignore_index) continue;
      if (target < 0 || target >= C)
        fail<IndexError>("cross_entropy: target ", target, " at position ", r, " is out of range for ", C, " classes");
      const double log_p_target = row[target] - lse[static_cast<std::size_t>(r)];
      const double mean_log_p = mean_z / static_cast<double>(C) - lse[static_cast<std::size_t>(r)];
      total += -(1 - label_smoothing) * log_p_target - label_smoothing * mean_log_p;
      ++counted;
    }
  });
  Tensor out = scalar_tensor(counted ? total / static_cast<double>(counted) : 0.0, {.dtype = logits.dtype()});
  if (auto node = record<CrossEntropy>(out, {logits})) {
    node->logits.save(z);
    node->lse = std::move(lse);
    node->target = t;
    node->ignore_index = ignore_index;
    node->counted = counted;
    node->smoothing = label_smoothing;
  }
  return out;
}

std::vector<Tensor> CrossEntropy::backward(const Tensor& dout) {
  // d loss_r / d z_c = softmax(z)_c - q_c with q = (1-ε)·onehot(t) + ε/C; averaged over counted rows.
  const Tensor z = logits.get();
  const std::int64_t C = z.size(-1), N = static_cast<std::int64_t>(target.size());
  Tensor dz = zeros(z.shape(), {.dtype = z.dtype()});
  if (counted == 0) return {dz.view(input_shapes[0])};
  const double scale = dout.item() / static_cast<double>(counted);
  dispatch_float(z.dtype(), "cross_entropy", [&]<class T>() {
    const T* pz = z.data<T>();
    T* pd = dz.data<T>();
    for (std::int64_t r = 0; r < N; ++r) {
      const std::int64_t tr = target[static_cast<std::size_t>(r)];
      if (tr == ignore_index) continue;
      for (std::int64_t c = 0; c < C; ++c) {
        const double p = std::exp(pz[r * C + c] - lse[static_cast<std::size_t>(r)]);
        const double q = (c == tr ? 1 - smoothing : 0.0) + smoothing / static_cast<double>(C);
        pd[r * C + c] = static_cast<T>((p - q) * scale);
      }
    }
  });
  return {dz.view(input_shapes[0])};
}
// [doc:end]

}  // namespace sf::nn
