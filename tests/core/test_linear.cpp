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

  TEST_CASE("linear_relu_dropout and linear_dropout_add give the bits of the ops in a row, with gradients") {
    // float32 through the matrix product's paths (a few rows, a small product, the five loops with
    // K over one KC slice), where the steps run on each tile; float64 as passes over the output.
    struct Size {
      std::int64_t rows, in, out;
    };
    for (DType dtype : {kFloat32, kFloat64}) {
      for (const Size& z : {Size{2, 40, 70}, Size{24, 32, 24}, Size{300, 600, 200}}) {
        for (bool add : {false, true}) {
          CAPTURE(dtype_name(dtype));
          CAPTURE(z.rows);
          CAPTURE(add);
          Generator init(7);
          auto leaf = [&](const Shape& shape) { return randn(shape, init).to(dtype).requires_grad_(); };
          const Tensor x1 = leaf({z.rows, z.in}), w1 = leaf({z.out, z.in}), b1 = leaf({z.out}),
                       r1 = leaf({z.rows, z.out});
          auto copy = [](const Tensor& t) { return t.detach().clone().requires_grad_(); };
          const Tensor x2 = copy(x1), w2 = copy(w1), b2 = copy(b1), r2 = copy(r1);
          Generator ga(5), gb(5);
          const Tensor plain = add ? r1 + dropout(linear_fused(x1, w1, b1), 0.2, true, ga)
                                   : relu_dropout(linear_fused(x1, w1, b1), 0.2, true, ga);
          const Tensor fused = add ? linear_dropout_add(x2, w2, b2, r2, 0.2, true, gb)
                                   : linear_relu_dropout(x2, w2, b2, 0.2, true, gb);
          CHECK(sf::test::same_values(plain, fused));
          CHECK(ga.state().counter == gb.state().counter);  // both took the same draws
          const Tensor g = randn({z.rows, z.out}, init).to(dtype);
          sum(plain * g).backward();
          sum(fused * g).backward();
          CHECK(sf::test::same_values(x1.grad(), x2.grad()));
          CHECK(sf::test::same_values(w1.grad(), w2.grad()));
          CHECK(sf::test::same_values(b1.grad(), b2.grad()));
          if (add) CHECK(sf::test::same_values(r1.grad(), r2.grad()));
        }
      }
    }
  }

  TEST_CASE("in evaluation the fused epilogues draw nothing: a ReLU, or the residual add alone") {
    Generator init(8), gen(3);
    const Tensor x = randn({3, 4}, init), w = randn({5, 4}, init), b = randn({5}, init),
                 r = randn({3, 5}, init);
    CHECK(sf::test::same_values(linear_relu_dropout(x, w, b, 0.5, false, gen), relu(linear_fused(x, w, b))));
    CHECK(sf::test::same_values(linear_dropout_add(x, w, b, r, 0.5, false, gen), r + linear_fused(x, w, b)));
    CHECK(gen.state().counter == 0);
  }

  TEST_CASE("the fused epilogues' errors name the op, the shapes and the rule") {
    Generator gen(0);
    CHECK_THROWS_WITH_AS(
        linear_relu_dropout(zeros({2, 3}), zeros({5, 4}), Tensor(), 0.1, true, gen),
        "linear_relu_dropout: input of shape [2, 3] has 3 features but the weight [5, 4] expects 4",
        ShapeError);
    CHECK_THROWS_WITH_AS(linear_relu_dropout(zeros({2, 4}), zeros({5, 4}), Tensor(), 1.5, true, gen),
                         "linear_relu_dropout: probability must be in [0, 1), got 1.5", ValueError);
    CHECK_THROWS_WITH_AS(
        linear_dropout_add(zeros({2, 4}), zeros({3, 4}), Tensor(), zeros({2, 4}), 0.1, true, gen),
        "linear_dropout_add: the residual has shape [2, 4] but the output has [2, 3] (no "
        "broadcasting here)",
        ShapeError);
    CHECK_THROWS_WITH_AS(linear_dropout_add(zeros({2, 4}), zeros({3, 4}), Tensor(), Tensor(), 0.1, true, gen),
                         "linear_dropout_add: the residual is undefined", ValueError);
    CHECK_THROWS_WITH_AS(linear_dropout_add(zeros({2, 4}), zeros({3, 4}), Tensor(),
                                            zeros({2, 3}, {.dtype = kFloat64}), 0.1, true, gen),
                         "linear_dropout_add: the residual must have the input's dtype float32, got float64",
                         TypeError);
    CHECK(gen.state().counter == 0);  // a call that fails takes no draws
  }

  TEST_CASE("gradcheck: linear_relu_dropout and linear_dropout_add, with dropout on") {
    Generator gen(9);
    const auto state = gen.state();
    const Inputs in{rand64({4, 3}, 31), rand64({5, 3}, 32), rand64({5}, 33)};
    {  // At the ReLU's kink a central difference measures the average slope: no pre-activation is near 0.
      NoGradGuard no_grad;
      for (double z : linear_fused(in[0], in[1], in[2]).to_vector<double>()) REQUIRE(std::fabs(z) > 1e-3);
    }
    CHECK_GRADCHECK(
        [&](const Inputs& x) {
          gen.set_state(state);  // the same mask on every evaluation
          return linear_relu_dropout(x[0], x[1], x[2], 0.3, true, gen);
        },
        in, {.name = "linear_relu_dropout"});
    CHECK_GRADCHECK(
        [&](const Inputs& x) {
          gen.set_state(state);
          return linear_dropout_add(x[0], x[1], x[2], x[3], 0.3, true, gen);
        },
        {in[0], in[1], in[2], rand64({4, 5}, 34)}, {.name = "linear_dropout_add"});
  }
}
