// Tests for core/ops/linear.cpp: y = x·Wᵀ + b, plain and fused, values, errors and gradients.
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch04-linear") {
  TEST_CASE("lecture 002's shapes: (3×2)·(2×2)ᵀ + (2) → 3×2, the bias broadcast over the rows") {
    Tensor x = tensor({0.2, 0.1, 0.9, 0.4, 0.7, 0.8}, {3, 2});  // "I am good"
    Tensor W = tensor({1, 2, 3, 4}, {2, 2});                    // out × in
    Tensor b = tensor({10, 20});
    // row 0: [0.2·1 + 0.1·2, 0.2·3 + 0.1·4] + b = [10.4, 21.0]
    check_values(linear(x, W, b), {10.4, 21.0, 11.7, 24.3, 12.3, 25.3});
    CHECK(linear(x, W).shape() == Shape{3, 2});
  }

  TEST_CASE("one packed 3E×E projection equals three E×E projections chunked q, k, v") {
    Generator gen(1);
    Tensor x = randn({3, 4}, gen), W = randn({12, 4}, gen), b = randn({12}, gen);
    auto parts = chunk(linear(x, W, b), 3, -1);
    auto Ws = chunk(W, 3, 0), bs = chunk(b, 3, 0);
    for (int i = 0; i < 3; ++i)
      check_values(parts[static_cast<std::size_t>(i)], linear(x, Ws[i], bs[i]).to_vector<double>(), 1e-5);
  }

  TEST_CASE("linear errors name the shapes, the same for linear and linear_fused") {
    for (auto f : {&linear, &linear_fused}) {
      CHECK_THROWS_WITH_AS(f(zeros({2, 3}), zeros({5, 4}), Tensor()),
                           "linear: input of shape [2, 3] has 3 features but the weight [5, 4] expects 4",
                           ShapeError);
      CHECK_THROWS_AS(f(zeros({2, 4}), zeros({5, 4}), zeros({4})), ShapeError);
      CHECK_THROWS_AS(f(zeros({2, 4}), zeros({5, 4, 1}), Tensor()), ShapeError);
    }
  }

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
    CHECK_GRADCHECK([](const Inputs& x) { return linear_fused(x[0], x[1], x[2]); }, in,
                    {.name = "linear_fused"});
    CHECK_GRADCHECK([](const Inputs& x) { return linear_fused(x[0].transpose(0, 1), x[1], x[2]); },
                    {rand64({3, 4}, 24), rand64({2, 3}, 25), rand64({2}, 26)},
                    {.name = "linear_fused (strided input)"});
  }
}
