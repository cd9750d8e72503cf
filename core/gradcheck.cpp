// gradcheck.cpp: finite-difference gradient checking (see gradcheck.hpp for the method).
#include "core/gradcheck.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/ops/elementwise.hpp"
#include "core/ops/reduce.hpp"

namespace sf {
namespace {

/// The row-major multi-index of flat position `flat` in `shape`, e.g. [2, 1].
Shape unravel(std::int64_t flat, const Shape& shape) {
  Shape idx = Dims::filled(shape.size(), 0);
  for (std::int64_t d = shape.size() - 1; d >= 0; --d) {
    idx[d] = flat % shape[d];
    flat /= shape[d];
  }
  return idx;
}

/// Pointer to the element at multi-index idx of a float64 tensor (any strides).
double* element(const Tensor& t, const Shape& idx) {
  std::int64_t off = 0;
  for (std::int64_t d = 0; d < idx.size(); ++d) off += idx[d] * t.strides()[d];
  return t.data<double>() + off;
}

std::string describe_input(const Tensor& t, std::size_t i) {
  std::ostringstream os;
  os << "input " << i;
  if (!t.name().empty()) os << " '" << t.name() << "'";
  os << " (shape " << t.shape() << ")";
  return os.str();
}

}  // namespace

GradcheckResult gradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& opt) {
  const std::string who = "gradcheck of '" + opt.name + "'";
  bool any = false;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& x = inputs[i];
    if (!x.defined() || !x.requires_grad()) continue;
    any = true;
    if (x.dtype() != kFloat64)
      fail<TypeError>(who, ": ", describe_input(x, i), " is ", dtype_name(x.dtype()),
                      "; finite differences need float64 (use .to(kFloat64))");
    if (!x.is_leaf()) fail<ValueError>(who, ": ", describe_input(x, i), " must be a leaf tensor");
  }
  if (!any) fail<ValueError>(who, ": no input requires grad, so there is nothing to check");

  // The loss L = Σ f(x) ⊙ R, and its analytic gradient from backward().
  Tensor y = f(inputs);
  if (y.dtype() != kFloat64)
    fail<TypeError>(who, ": the function returned ", dtype_name(y.dtype()), ", expected float64");
  Generator gen(opt.seed);
  const Tensor R = randn(y.shape(), gen, {.dtype = kFloat64});
  auto loss_of = [&](const Tensor& out) { return sum(mul(out, R)); };
  for (const Tensor& x : inputs)
    if (x.defined() && x.requires_grad()) x.set_grad(Tensor());
  if (!y.requires_grad())
    fail<ValueError>(who,
                     ": the output does not depend on any input that requires grad (no graph was recorded)");
  loss_of(y).backward();

  GradcheckResult result;
  std::int64_t checked = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& x = inputs[i];
    if (!x.defined() || !x.requires_grad()) continue;
    const std::vector<double> analytic = x.grad().defined()
                                             ? x.grad().to_vector<double>()
                                             : std::vector<double>(static_cast<std::size_t>(x.numel()), 0.0);

    // [doc:numeric]
    // Numeric gradient, one element at a time: perturb in place, evaluate twice, restore.
    std::vector<double> numeric(analytic.size());
    {
      NoGradGuard no_grad;
      for (std::int64_t j = 0; j < x.numel(); ++j) {
        double* p = element(x, unravel(j, x.shape()));
        const double original = *p;
        *p = original + opt.eps;
        const double plus = loss_of(f(inputs)).item();
        *p = original - opt.eps;
        const double minus = loss_of(f(inputs)).item();
        *p = original;
        numeric[static_cast<std::size_t>(j)] = (plus - minus) / (2 * opt.eps);
      }
    }
    // [doc:end]

    bool all_zero = true;
    std::int64_t worst = -1, disagree = 0;
    double worst_ratio = 0;
    for (std::size_t j = 0; j < numeric.size(); ++j) {
      all_zero = all_zero && numeric[j] == 0 && analytic[j] == 0;
      const double ratio =
          std::fabs(analytic[j] - numeric[j]) / (opt.atol + opt.rtol * std::fabs(numeric[j]));
      if (!(ratio <= 1)) ++disagree;
      if (!(ratio <= worst_ratio)) {
        worst_ratio = ratio;
        worst = static_cast<std::int64_t>(j);
      }
    }
    checked += x.numel();
    result.worst_ratio = std::max(result.worst_ratio, worst_ratio);
    if (all_zero && x.numel() > 0) {
      result.report =
          who + ": vacuous check: " + describe_input(x, i) +
          " has a zero gradient everywhere (analytic and numeric), so the check would pass whatever "
          "backward does. Change the inputs, or stop marking this input requires_grad";
      return result;
    }
    if (disagree > 0) {
      const auto w = static_cast<std::size_t>(worst);
      std::ostringstream os;
      os << std::setprecision(8) << "gradcheck failed for '" << opt.name << "' with respect to "
         << describe_input(x, i) << " at element " << unravel(worst, x.shape()) << ": analytic "
         << analytic[w] << ", numeric " << numeric[w] << std::setprecision(3) << ", |difference| "
         << std::fabs(analytic[w] - numeric[w]) << " > tolerance "
         << opt.atol + opt.rtol * std::fabs(numeric[w]) << " (atol " << opt.atol << " + rtol " << opt.rtol
         << " × |numeric|); " << disagree << " of " << x.numel() << " elements of this input disagree";
      result.report = os.str();
      return result;
    }
  }
  result.passed = true;
  std::ostringstream os;
  os << "gradcheck of '" << opt.name << "' passed: " << checked << " elements, worst error "
     << std::setprecision(3) << result.worst_ratio << " of the tolerance";
  result.report = os.str();
  return result;
}

}  // namespace sf
