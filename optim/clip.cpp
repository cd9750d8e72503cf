// clip.cpp: the global norm, accumulated in double, then one common scale factor.
#include "optim/clip.hpp"

#include <cmath>

#include "core/autograd.hpp"
#include "core/error.hpp"

namespace sf::optim {

// [doc:clip]
double clip_grad_norm(const std::vector<Tensor>& params, double max_norm) {
  if (!(max_norm > 0 && std::isfinite(max_norm)))
    fail<ValueError>("clip_grad_norm: max_norm must be finite and > 0, got ", max_norm);
  double sum_of_squares = 0;  // in double even for float32 gradients: millions of terms
  for (const Tensor& p : params) {
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    dispatch_float(g.dtype(), "clip_grad_norm", [&]<class T>() {
      const Tensor c = g.contiguous();
      const T* x = c.data<T>();
      for (std::int64_t i = 0; i < c.numel(); ++i) sum_of_squares += static_cast<double>(x[i]) * x[i];
    });
  }
  const double norm = std::sqrt(sum_of_squares);
  if (!std::isfinite(norm) || norm <= max_norm) return norm;
  NoGradGuard no_grad;
  for (const Tensor& p : params)
    if (p.grad().defined()) p.grad().mul_(max_norm / norm);  // same factor for all: the direction is kept
  return norm;
}
// [doc:end]

}  // namespace sf::optim
