// Tests for optim/adam.cpp: the lecture digest's two worked steps, PyTorch's numbers, the
// properties a student can check (the first step is lr·sign(g)), and every misuse.
#include "core/parallel/thread_pool.hpp"
#include "optim/adam.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::optim;

namespace {

/// A float64 scalar parameter θ = value, with its gradient set to g.
Tensor scalar_param(double value) { return scalar_tensor(value, {.dtype = kFloat64, .requires_grad = true}); }

double state_value(const Adam& opt, const std::string& key) { return opt.state_dict().at(key).item(); }

}  // namespace

TEST_SUITE("ch12-optim") {
  TEST_CASE("Adam: the two steps of the chapter 12 worked example") {
    // β1 = 0.9, β2 = 0.98, ε = 1e-9 (the paper's), lr = 1e-3.
    Tensor theta = scalar_param(0.0);
    Adam opt({theta}, kPaperAdam);

    theta.set_grad(scalar_tensor(0.5, {.dtype = kFloat64}));
    opt.step();
    CHECK(state_value(opt, "param.0.m") == doctest::Approx(0.05).epsilon(1e-12));   // 0.1 · 0.5
    CHECK(state_value(opt, "param.0.v") == doctest::Approx(0.005).epsilon(1e-12));  // 0.02 · 0.25
    // m̂ = 0.05 / 0.1 = 0.5 and v̂ = 0.005 / 0.02 = 0.25, so Δ = −lr · 0.5 / √0.25 = −lr: lr·sign(g).
    CHECK(theta.item() == doctest::Approx(-0.001).epsilon(1e-9));

    theta.set_grad(scalar_tensor(-0.25, {.dtype = kFloat64}));
    opt.step();
    const double m = state_value(opt, "param.0.m"), v = state_value(opt, "param.0.v");
    CHECK(m == doctest::Approx(0.02).epsilon(1e-12));     // 0.9 · 0.05 + 0.1 · (−0.25)
    CHECK(v == doctest::Approx(0.00615).epsilon(1e-12));  // 0.98 · 0.005 + 0.02 · 0.0625
    const double m_hat = m / (1 - 0.9 * 0.9), v_hat = v / (1 - 0.98 * 0.98);
    CHECK(m_hat == doctest::Approx(0.10526).epsilon(1e-4));
    CHECK(v_hat == doctest::Approx(0.15530).epsilon(1e-4));
    CHECK(theta.item() - (-0.001) == doctest::Approx(-2.671e-4).epsilon(1e-3));  // Δ of step 2
    CHECK(state_value(opt, "param.0.step") == 2);
    CHECK(opt.steps() == 2);
  }

  TEST_CASE("Adam: the first step is lr·sign(g), whatever the gradient's scale") {
    for (const double g : {1e-4, 3.0, -1e4}) {
      Tensor theta = scalar_param(1.0);
      Adam opt({theta}, {.lr = 0.01});
      theta.set_grad(scalar_tensor(g, {.dtype = kFloat64}));
      opt.step();
      CHECK(theta.item() == doctest::Approx(1.0 - 0.01 * (g > 0 ? 1 : -1)).epsilon(1e-5));
    }
  }

  TEST_CASE("Adam: three steps agree with torch.optim.Adam") {
    // Recorded from PyTorch 1.13 (float64, lr 0.01, betas (0.9, 0.98), eps 1e-9). PyTorch arranges
    // the arithmetic a little differently, so the last bits may differ.
    for (const DType dtype : {kFloat64, kFloat32}) {
      Tensor p = tensor({0.5, -1.0, 2.0, 0.0}, {2, 2}, {.dtype = dtype, .requires_grad = true});
      Adam opt({p}, {.lr = 0.01, .beta1 = 0.9, .beta2 = 0.98, .eps = 1e-9});
      for (const std::vector<double>& g :
           {std::vector<double>{0.1, -0.2, 0.3, 0.0}, {-0.5, 0.25, 0.05, 1.0}, {0.2, 0.2, -0.1, -2.0}}) {
        p.set_grad(tensor(g, {2, 2}, {.dtype = dtype}));
        opt.step();
      }
      test::check_values(p,
                         {0.49792737423062167, -0.996078524851091, 1.978347999654703, -0.0042869443524915785},
                         dtype == kFloat64 ? 1e-14 : 1e-6);
    }
  }

  TEST_CASE("Adam: minimises a quadratic") {
    // f(θ) = Σ (θ − c)², gradient 2(θ − c), computed by autograd.
    const Tensor c = tensor({3.0, -2.0, 0.5}, {.dtype = kFloat64});
    Tensor theta = zeros({3}, {.dtype = kFloat64, .requires_grad = true});
    Adam opt({theta}, {.lr = 0.05});
    double first_loss = 0, loss_value = 0;
    for (int step = 0; step < 500; ++step) {
      opt.zero_grad();
      const Tensor d = theta - c;
      const Tensor loss = sum(d * d);
      loss.backward();
      opt.step();
      loss_value = loss.item();
      if (step == 0) first_loss = loss_value;
    }
    CHECK(first_loss == doctest::Approx(13.25));
    CHECK(loss_value < 1e-4);
    test::check_values(theta, {3.0, -2.0, 0.5}, 1e-2);
  }

  TEST_CASE("Adam: parameters without a gradient are skipped and keep their own step count") {
    Tensor a = scalar_param(1.0), b = scalar_param(1.0);
    Adam opt({a, b}, {.lr = 0.1});
    a.set_grad(scalar_tensor(1.0, {.dtype = kFloat64}));
    opt.step();
    opt.step();
    CHECK(b.item() == 1.0);  // no gradient, no update
    CHECK(state_value(opt, "param.1.step") == 0);
    b.set_grad(scalar_tensor(-5.0, {.dtype = kFloat64}));
    opt.step();
    // b's first update: its own t = 1, so its bias correction gives exactly lr·sign(g).
    CHECK(b.item() == doctest::Approx(1.1).epsilon(1e-9));
    CHECK(state_value(opt, "param.0.step") == 3);
  }

  TEST_CASE("Adam: zero_grad drops the gradients, and lr can be changed between steps") {
    Tensor w = tensor({1.0, 2.0}, {.requires_grad = true});
    Adam opt({w});
    CHECK(opt.lr() == 1e-3);
    w.set_grad(ones({2}));
    opt.zero_grad();
    CHECK_FALSE(w.grad().defined());
    opt.set_lr(0.5);
    CHECK(opt.lr() == 0.5);
    CHECK_THROWS_WITH_AS(opt.set_lr(-1), "Adam: the learning rate must be finite and >= 0, got -1",
                         ValueError);
  }

  TEST_CASE("Adam: the step writes in place and bumps the version, so a stale saved tensor is caught") {
    Tensor w = tensor({1.0, 2.0}, {.dtype = kFloat64, .requires_grad = true});
    const Tensor x = tensor({3.0, 4.0}, {.dtype = kFloat64, .requires_grad = true});
    Adam opt({w});
    const Tensor y = sum(w * x);  // mul saves w to compute dx
    w.set_grad(ones({2}, {.dtype = kFloat64}));
    const auto* before = w.storage()->data();
    opt.step();
    CHECK(w.storage()->data() == before);  // same memory: the model's handles see the new values
    CHECK_THROWS_AS(y.backward(), AutogradError);
  }

  TEST_CASE("Adam: bad configurations and parameters are refused with their reason") {
    Tensor w = zeros({2}, {.requires_grad = true});
    CHECK_THROWS_WITH_AS(Adam({w}, {.beta1 = 1.0}), "Adam: beta1 must be in [0, 1), got 1", ValueError);
    CHECK_THROWS_WITH_AS(Adam({w}, {.beta2 = -0.1}), "Adam: beta2 must be in [0, 1), got -0.1", ValueError);
    CHECK_THROWS_WITH_AS(Adam({w}, {.eps = -1}), "Adam: eps must be finite and >= 0, got -1", ValueError);
    CHECK_THROWS_WITH_AS(Adam({w}, {.lr = NAN}), "Adam: the learning rate must be finite and >= 0, got nan",
                         ValueError);
    CHECK_THROWS_WITH_AS(Adam({w, Tensor()}), "Adam: parameter 1 is undefined", ValueError);
    CHECK_THROWS_WITH_AS(Adam({zeros({2}, {.dtype = kInt64})}),
                         "Adam: parameter 0 is int64; only float32 and float64 can be trained", TypeError);
    CHECK_THROWS_WITH_AS(
        Adam({zeros({2, 3}).transpose(0, 1)}),
        "Adam: parameter 0 of shape [3, 2] is not contiguous (a view?); pass the tensor itself", ValueError);
    CHECK_THROWS_WITH_AS(Adam({w, w}), "Adam: parameter 1 appears twice in the list", ValueError);
  }
}

TEST_SUITE("ch12-optim") {
  TEST_CASE("the fused step gives the same bits as the one-by-one step, on one thread or two") {
    auto train = [](bool fused, int threads) {
      sf::set_num_threads(threads);
      Generator gen(3);
      std::vector<Tensor> params{randn({300, 70}, gen), randn({5}, gen), randn({40000}, gen)};
      for (Tensor& p : params) p.requires_grad_();
      optim::Adam adam(params, {.lr = 0.01, .fused = fused});
      for (int step = 0; step < 3; ++step) {
        for (Tensor& p : params) p.set_grad(randn(p.shape(), gen));
        params[1].set_grad(Tensor());  // one parameter without a gradient this time
        adam.step();
      }
      std::vector<double> all;
      for (const Tensor& p : params)
        for (double v : p.to_vector<double>()) all.push_back(v);
      return all;
    };
    const auto plain = train(false, 1);
    CHECK(train(true, 1) == plain);
    CHECK(train(true, 2) == plain);
    sf::set_num_threads(2);
  }
}
