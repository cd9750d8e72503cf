// gradcheck.hpp: checking a backward pass against finite differences.
//
// A gradient is a claim: "if you nudge input element j by ε, the loss moves by about g_j·ε". The
// check nudges each element both ways and measures:
//
//     numeric_j = (L(x + ε·e_j) - L(x - ε·e_j)) / 2ε        (central difference, error O(ε²))
//
// and compares it with what backward() computed. Three choices make the check worth trusting:
//   * float64 throughout: with ε = 1e-6 the difference of two losses keeps ~10 significant digits;
//     in float32 rounding noise (~1e-7 relative) divided by ε would swamp the derivative.
//   * L = Σ f(x) ⊙ R with R a fixed random tensor, not Σ f(x): a plain sum gives every output
//     the same weight, so for example a backward that forgets a transpose can still pass.
//   * a check that cannot fail proves nothing: it is refused when an input's gradient is zero
//     everywhere (by both methods), since then the function may not depend on it at all.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace sf {

struct GradcheckOptions {
  /// Names the function in the report ("matmul", "MultiHeadAttention").
  std::string name = "function";
  /// The finite-difference step.
  double eps = 1e-6;
  /// An element passes when |analytic - numeric| ≤ atol + rtol·|numeric|.
  double atol = 1e-7;
  double rtol = 1e-5;
  /// Seed of the random projection R.
  std::uint64_t seed = 1234;
};

struct GradcheckResult {
  bool passed = false;
  /// On failure: which function, input and element, the analytic and numeric values, the error
  /// and the tolerance. On success: a one-line summary.
  std::string report;
  /// The worst |analytic - numeric| / (atol + rtol·|numeric|) over all elements (≤ 1 passes).
  double worst_ratio = 0;
  explicit operator bool() const { return passed; }
};

using TensorFunction = std::function<Tensor(const std::vector<Tensor>&)>;

/// Checks the gradients of f with respect to every input that requires grad (float64 leaves).
/// f may also read other state, such as a module's parameters passed in `inputs`: they are
/// perturbed in place, so any tensor that shares their memory sees the change.
///   auto r = gradcheck([](const auto& in) { return matmul(in[0], in[1]); }, {a, b}, {.name = "matmul"});
///   CHECK_MESSAGE(r.passed, r.report);
GradcheckResult gradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

}  // namespace sf
