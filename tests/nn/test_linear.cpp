// Tests for nn/linear.cpp: y = x·Wᵀ + b, PyTorch's layout and initialisation, its gradients.
#include "nn/nn.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch04-linear") {
  TEST_CASE("lecture 002's shapes: (3×2)·(2×2)ᵀ + (2) → 3×2, the bias broadcast over the rows") {
    Tensor x = tensor({0.2, 0.1, 0.9, 0.4, 0.7, 0.8}, {3, 2});  // "I am good"
    Tensor W = tensor({1, 2, 3, 4}, {2, 2});                  // out × in
    Tensor b = tensor({10, 20});
    // row 0: [0.2·1 + 0.1·2, 0.2·3 + 0.1·4] + b = [10.4, 21.0]
    check_values(linear(x, W, b), {10.4, 21.0, 11.7, 24.3, 12.3, 25.3});
    CHECK(linear(x, W).shape() == Shape{3, 2});
  }

  TEST_CASE("weights given in × out (as on lecture 003's slides) load transposed") {
    Tensor x = tensor({1, 0, 1, 0}, {1, 4});
    Tensor W_slide = tensor({0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0}, {4, 3});  // in × out, used as x·W
    Linear lin({.in_features = 4, .out_features = 3, .bias = false});
    {
      NoGradGuard no_grad;
      lin.weight.copy_(W_slide.transpose(0, 1));  // PyTorch's layout is out × in
    }
    check_values(lin(x), matmul(x, W_slide).to_vector<double>());
  }

  TEST_CASE("one packed 3E×E projection equals three E×E projections chunked q, k, v") {
    Generator gen(1);
    Tensor x = randn({3, 4}, gen), W = randn({12, 4}, gen), b = randn({12}, gen);
    auto parts = chunk(linear(x, W, b), 3, -1);
    auto Ws = chunk(W, 3, 0), bs = chunk(b, 3, 0);
    for (int i = 0; i < 3; ++i) check_values(parts[static_cast<std::size_t>(i)], linear(x, Ws[i], bs[i]).to_vector<double>(), 1e-5);
  }

  TEST_CASE("leading axes are kept: [B, L, in] → [B, L, out]") {
    Linear lin({.in_features = 4, .out_features = 6});
    CHECK(lin(zeros({2, 5, 4})).shape() == Shape{2, 5, 6});
    CHECK(lin.weight.shape() == Shape{6, 4});
    CHECK(lin.parameter_count() == 30);
  }

  TEST_CASE("initialisation as torch.nn.Linear: U(-1/sqrt(in), 1/sqrt(in))") {
    Generator gen(2);
    Linear lin({.in_features = 64, .out_features = 256}, gen);
    const double bound = 1.0 / 8.0;
    double lo = 1, hi = -1;
    for (double w : lin.weight.to_vector<double>()) lo = std::min(lo, w), hi = std::max(hi, w);
    CHECK(lo >= -bound);
    CHECK(hi <= bound);
    CHECK(hi - lo > 1.9 * bound);  // the whole range is used
    Generator again(2);
    CHECK(sf::test::same_values(Linear({.in_features = 64, .out_features = 256}, again).weight, lin.weight));
  }

  TEST_CASE("linear errors name the shapes") {
    Linear lin({.in_features = 4, .out_features = 5});
    CHECK_THROWS_WITH_AS(lin(zeros({2, 3})),
                         "linear: input of shape [2, 3] has 3 features but the weight [5, 4] expects 4", ShapeError);
    CHECK_THROWS_AS(Linear({.in_features = 0, .out_features = 5}), ValueError);
    CHECK_THROWS_AS(linear(zeros({2, 4}), zeros({5, 4}), zeros({4})), ShapeError);
  }

  TEST_CASE("gradcheck: Linear with respect to its input, weight and bias") {
    Linear lin({.in_features = 3, .out_features = 4, .dtype = kFloat64});
    const Tensor x = rand64({2, 5, 3}, 3);
    CHECK_GRADCHECK([&](const Inputs& in) { return lin(in[0]); }, {x, lin.weight, lin.bias}, {.name = "Linear"});
    Linear no_bias({.in_features = 3, .out_features = 2, .bias = false, .dtype = kFloat64});
    CHECK(no_bias.parameters().size() == 1);
    CHECK_GRADCHECK([&](const Inputs& in) { return no_bias(in[0]); }, {x, no_bias.weight}, {.name = "Linear (no bias)"});
  }
}

TEST_SUITE("ch04-linear") {
  TEST_CASE("linear_fused equals linear, values and gradients, with and without a bias") {
    Generator gen(4);
    for (bool with_bias : {true, false}) {
      const Tensor x = randn({2, 3, 5}, gen, {.dtype = kFloat64, .requires_grad = true});
      const Tensor w = randn({4, 5}, gen, {.dtype = kFloat64, .requires_grad = true});
      const Tensor b = with_bias ? randn({4}, gen, {.dtype = kFloat64, .requires_grad = true}) : Tensor();
      const Tensor R = randn({2, 3, 4}, gen, {.dtype = kFloat64});
      sum(linear(x, w, b) * R).backward();
      const auto gx = x.grad().to_vector<double>(), gw = w.grad().to_vector<double>();
      const auto gb = with_bias ? b.grad().to_vector<double>() : std::vector<double>{};
      for (const Tensor& t : {x, w}) t.set_grad(Tensor());
      if (with_bias) b.set_grad(Tensor());
      const Tensor y = linear_fused(x, w, b);
      CHECK(y.shape() == Shape{2, 3, 4});
      check_values(y, linear(x, w, b).to_vector<double>(), 1e-12);
      sum(y * R).backward();
      check_values(x.grad(), gx, 1e-12);
      check_values(w.grad(), gw, 1e-12);
      if (with_bias) check_values(b.grad(), gb, 1e-12);
    }
  }

  TEST_CASE("gradcheck: linear_fused, including a transposed (strided) input") {
    const Inputs in{rand64({4, 3}, 21), rand64({2, 3}, 22), rand64({2}, 23)};
    CHECK_GRADCHECK([](const Inputs& x) { return linear_fused(x[0], x[1], x[2]); }, in, {.name = "linear_fused"});
    CHECK_GRADCHECK([](const Inputs& x) { return linear_fused(x[0].transpose(0, 1), x[1], x[2]); },
                    {rand64({3, 4}, 24), rand64({2, 3}, 25), rand64({2}, 26)}, {.name = "linear_fused (strided input)"});
  }
}
