// Tests for nn/layer_norm.cpp (the LayerNorm module) and nn/residual.hpp (Add & Norm).
#include "nn/nn.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch08-layer-norm") {
  TEST_CASE("LayerNorm([1, 2, 3, 4]): mean 2.5, population variance 1.25") {
    LayerNorm norm({.normalized_shape = 4, .eps = 0});
    // (x - 2.5) / sqrt(1.25) = [-1.3416, -0.4472, 0.4472, 1.3416]
    check_values(norm(tensor({1, 2, 3, 4})), {-1.341641, -0.447214, 0.447214, 1.341641}, 1e-5);
  }

  TEST_CASE("each row comes out with mean 0 and variance 1, whatever its scale") {
    Generator gen(1);
    LayerNorm norm({.normalized_shape = 16, .eps = 1e-12, .dtype = kFloat64});
    Tensor x = normal({5, 7, 16}, 3.0, 50.0, gen, {.dtype = kFloat64});
    Tensor y = norm(x);
    check_values(mean(y, -1), std::vector<double>(35, 0.0), 1e-9);
    check_values(var(y, -1, false, 0), std::vector<double>(35, 1.0), 1e-9);
  }

  TEST_CASE("gamma and beta scale and shift every normalised row") {
    LayerNorm norm({.normalized_shape = 2, .eps = 0});
    {
      NoGradGuard no_grad;
      norm.weight.copy_(tensor({2, 3}));
      norm.bias.copy_(tensor({10, 20}));
    }
    check_values(norm(tensor({0, 4})), {8, 23});  // normalised [-1, 1] → [-2 + 10, 3 + 20]
  }

  TEST_CASE("gradcheck: LayerNorm with respect to its input, gamma and beta") {
    LayerNorm norm({.normalized_shape = 5, .dtype = kFloat64});
    Generator gen(2);
    {
      NoGradGuard no_grad;  // move gamma and beta away from 1 and 0 so that every term matters
      norm.weight.copy_(uniform({5}, 0.5, 1.5, gen, {.dtype = kFloat64}));
      norm.bias.copy_(uniform({5}, -0.5, 0.5, gen, {.dtype = kFloat64}));
    }
    CHECK_GRADCHECK([&](const Inputs& in) { return norm(in[0]); },
                    {rand64({3, 5}, 3), norm.weight, norm.bias}, {.name = "LayerNorm"});
  }

  TEST_CASE("Add & Norm: post-LN normalises the sum, pre-LN normalises the sub-layer's input") {
    LayerNorm norm({.normalized_shape = 4, .eps = 0});
    Dropout drop({.p = 0.0});
    Tensor x = tensor({1, 2, 3, 4});
    // A sub-layer that is not a multiple of its input: LayerNorm cannot tell 3x from 2x, so with
    // f(x) = 2x a post-LN that forgot the residual would still pass.
    auto square = [](const Tensor& t) { return t * t; };
    check_values(add_and_norm(x, square, norm, drop, false), norm(x + x * x).to_vector<double>());
    check_values(add_and_norm(x, square, norm, drop, true), (x + norm(x) * norm(x)).to_vector<double>());
  }

  TEST_CASE("the residual's gradient includes the identity: d(x + f(x))/dx = 1 + f'(x)") {
    Tensor x = tensor({0.5}, {.dtype = kFloat64, .requires_grad = true});
    (x + tanh(x)).backward();
    check_values(x.grad(), {1 + 1 - std::pow(std::tanh(0.5), 2)}, 1e-12);
  }

  TEST_CASE("LayerNorm errors") {
    LayerNorm norm({.normalized_shape = 4});
    CHECK_THROWS_WITH_AS(norm(zeros({2, 3})),
                         "layer_norm: input of shape [2, 3] is normalised over its last axis of size 3 but "
                         "weight/bias have shape [4]",
                         ShapeError);
    CHECK_THROWS_AS(LayerNorm({.normalized_shape = 0}), ValueError);
  }
}
