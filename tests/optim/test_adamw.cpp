// Tests for optim/adamw.cpp: the decoupled decay on its own, PyTorch's numbers, and that AdamW
// without decay is Adam.
#include "optim/adamw.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::optim;

TEST_SUITE("ch12-optim") {
  TEST_CASE("AdamW: with a zero gradient only the decay acts, θ ← θ·(1 − lr·λ)") {
    Tensor w = tensor({2.0, -4.0}, {.dtype = kFloat64, .requires_grad = true});
    AdamW opt({w}, {.lr = 0.1, .weight_decay = 0.5});
    w.set_grad(zeros({2}, {.dtype = kFloat64}));
    opt.step();
    test::check_values(w, {2.0 * 0.95, -4.0 * 0.95}, 1e-15);
    opt.step();
    test::check_values(w, {2.0 * 0.95 * 0.95, -4.0 * 0.95 * 0.95}, 1e-15);
  }

  TEST_CASE("AdamW: three steps agree with torch.optim.AdamW") {
    // Recorded from PyTorch 1.13 (float64, lr 0.01, betas (0.9, 0.98), eps 1e-9, weight_decay 0.1).
    Tensor p = tensor({0.5, -1.0, 2.0, 0.0}, {2, 2}, {.dtype = kFloat64, .requires_grad = true});
    AdamW opt({p}, {.lr = 0.01, .beta1 = 0.9, .beta2 = 0.98, .eps = 1e-9, .weight_decay = 0.1});
    for (const std::vector<double>& g :
         {std::vector<double>{0.1, -0.2, 0.3, 0.0}, {-0.5, 0.25, 0.05, 1.0}, {0.2, 0.2, -0.1, -2.0}}) {
      p.set_grad(tensor(g, {2, 2}, {.dtype = kFloat64}));
      opt.step();
    }
    test::check_values(
        p, {0.49644290651539486, -0.9930998882402664, 1.9723818567593947, -0.004279538432881226}, 1e-14);
  }

  TEST_CASE(
      "AdamW: without decay it is Adam bit for bit, and parameters without a gradient are not decayed") {
    Tensor a = tensor({0.3, -0.7}, {.requires_grad = true}), b = tensor({0.3, -0.7}, {.requires_grad = true});
    Tensor idle = tensor({5.0}, {.requires_grad = true});
    AdamW adamw({a, idle}, {.lr = 0.01, .weight_decay = 0.0});
    Adam adam({b}, {.lr = 0.01});
    for (int i = 0; i < 5; ++i) {
      a.set_grad(tensor({0.1 * i, -0.3}));
      b.set_grad(tensor({0.1 * i, -0.3}));
      adamw.step();
      adam.step();
    }
    CHECK(test::same_values(a, b));
    AdamW decaying({idle}, {.weight_decay = 0.5});
    decaying.step();
    CHECK(idle.item() == 5.0);
  }

  TEST_CASE("AdamW: a negative weight decay is refused") {
    CHECK_THROWS_WITH_AS(AdamW({zeros({1}, {.requires_grad = true})}, {.weight_decay = -0.1}),
                         "AdamW: weight_decay must be finite and >= 0, got -0.1", ValueError);
  }
}
