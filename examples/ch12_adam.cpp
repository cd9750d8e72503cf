// ch12_adam: the optimizer examples of chapter 12 (docs/12-adam-and-the-schedule.md).
//
// Two Adam steps with the paper's β1, β2 and ε, worked out in full; what the first step would be
// without bias correction; how β2 = 0.98 and β2 = 0.999 react when the gradient suddenly grows; and
// the paper's warm-up schedule at the chapter's steps.
//
//   ch12_adam                   prints the numbers (the test compares them with expected/ch12_adam.txt)
//   ch12_adam --svg docs/images also writes docs/images/ch12_schedule.svg, the schedule's picture
#include <cmath>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <string>

#include "core/core.hpp"
#include "examples/common/svg.hpp"
#include "optim/optim.hpp"

using namespace sf;
using namespace sf::optim;

namespace {

void print_adam_steps() {
  // [doc:two-steps]
  // One weight θ = 0 and the paper's Adam (β1 = 0.9, β2 = 0.98, ε = 1e-9) with lr = 1e-3.
  Tensor theta = scalar_tensor(0.0, {.dtype = kFloat64, .requires_grad = true});
  Adam opt({theta}, kPaperAdam);
  for (const double g : {0.5, -0.25}) {
    const double before = theta.item();
    theta.set_grad(scalar_tensor(g, {.dtype = kFloat64}));
    opt.step();
    const auto state = opt.state_dict();  // m, v and t, as a checkpoint would save them
    const double m = state.at("param.0.m").item(), v = state.at("param.0.v").item();
    const double t = state.at("param.0.step").item();
    const double m_hat = m / (1 - std::pow(0.9, t)), v_hat = v / (1 - std::pow(0.98, t));
    std::cout << "step " << t << ": g = " << g << "  m = " << m << "  v = " << v << "  m_hat = " << m_hat
              << "  v_hat = " << v_hat << "  delta = " << std::scientific << theta.item() - before
              << std::defaultfloat << '\n';
  }
  // [doc:end]
}

void print_bias_correction() {
  // [doc:bias]
  // Step 1 starts from m = v = 0, so m = (1 − β1)·g and v = (1 − β2)·g². Without the correction the
  // step would be lr·m/√v = lr·(1 − β1)/√(1 − β2) in the direction of g, whatever g is.
  for (const double beta2 : {0.98, 0.999}) {
    const double uncorrected = (1 - 0.9) / std::sqrt(1 - beta2);
    std::cout << "beta2 = " << beta2 << ": first step without correction = " << uncorrected
              << " x lr, with correction = 1 x lr\n";
  }
  // [doc:end]
}

void print_beta2_reaction() {
  // [doc:beta2]
  // The gradient is 1 for 100 steps, then suddenly 10. Until v catches up, m̂/√v̂ is too large: how
  // large does the step get, in units of lr, and for how many steps is it more than 1.1·lr?
  for (const double beta2 : {0.98, 0.999}) {
    Tensor theta = scalar_tensor(0.0, {.dtype = kFloat64, .requires_grad = true});
    Adam opt({theta}, {.lr = 1e-3, .beta1 = 0.9, .beta2 = beta2, .eps = 1e-9});
    double largest = 0;
    int too_large = 0;
    for (int step = 1; step <= 2000; ++step) {
      const double before = theta.item();
      theta.set_grad(scalar_tensor(step <= 100 ? 1.0 : 10.0, {.dtype = kFloat64}));
      opt.step();
      const double ratio = (before - theta.item()) / opt.lr();
      if (step > 100) largest = std::max(largest, ratio), too_large += ratio > 1.1;
    }
    std::cout << "beta2 = " << beta2 << ": largest step after the jump = " << largest << " x lr; "
              << too_large << " steps above 1.1 x lr\n";
  }
  // [doc:end]
}

void print_schedule() {
  // [doc:schedule]
  const NoamSchedule noam({.d_model = 512, .warmup = 4000});
  for (const std::int64_t step : {1, 1000, 4000, 8000, 100000})
    std::cout << "step " << std::setw(6) << step << ": lr = " << std::scientific << noam.lr(step) << '\n';
  // [doc:end]
}

void write_schedule_chart(const std::string& dir) {
  const NoamSchedule noam({.d_model = 512, .warmup = 4000});
  const CosineSchedule cosine({.peak_lr = noam.peak(), .warmup_steps = 4000, .total_steps = 40000});
  std::vector<double> steps, noam_lr, cosine_lr;
  for (std::int64_t s = 100; s <= 40000; s += 100) {
    steps.push_back(static_cast<double>(s));
    noam_lr.push_back(noam.lr(s));
    cosine_lr.push_back(cosine.lr(s));
  }
  svg::LineChart chart({.title = "Learning rate: the paper's warm-up schedule (d_model 512, warmup 4000)",
                        .x_label = "step",
                        .y_label = "learning rate"});
  chart.add_series("paper (Noam)", steps, noam_lr);
  chart.add_series("cosine", steps, cosine_lr);
  chart.save(dir + "/ch12_schedule.svg");
}

}  // namespace

int main(int argc, char** argv) {
  std::cout << std::setprecision(5);
  std::cout << "=== two-steps ===\n";
  print_adam_steps();
  std::cout << "=== bias ===\n";
  print_bias_correction();
  std::cout << "=== beta2 ===\n";
  print_beta2_reaction();
  std::cout << "=== schedule ===\n";
  print_schedule();
  if (argc == 3 && std::strcmp(argv[1], "--svg") == 0) {
    write_schedule_chart(argv[2]);
    std::cerr << "wrote " << argv[2] << "/ch12_schedule.svg\n";
  }
  return 0;
}
