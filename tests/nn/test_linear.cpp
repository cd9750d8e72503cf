// Tests for nn/linear.cpp: the Linear module, PyTorch's layout and initialisation, its gradients.
#include "nn/nn.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch04-linear") {
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

  TEST_CASE("Linear errors name the shapes") {
    Linear lin({.in_features = 4, .out_features = 5});
    CHECK_THROWS_WITH_AS(lin(zeros({2, 3})),
                         "linear: input of shape [2, 3] has 3 features but the weight [5, 4] expects 4",
                         ShapeError);
    CHECK_THROWS_AS(Linear({.in_features = 0, .out_features = 5}), ValueError);
  }

  TEST_CASE("gradcheck: Linear with respect to its input, weight and bias") {
    Linear lin({.in_features = 3, .out_features = 4, .dtype = kFloat64});
    const Tensor x = rand64({2, 5, 3}, 3);
    CHECK_GRADCHECK([&](const Inputs& in) { return lin(in[0]); }, {x, lin.weight, lin.bias},
                    {.name = "Linear"});
    Linear no_bias({.in_features = 3, .out_features = 2, .bias = false, .dtype = kFloat64});
    CHECK(no_bias.parameters().size() == 1);
    CHECK_GRADCHECK([&](const Inputs& in) { return no_bias(in[0]); }, {x, no_bias.weight},
                    {.name = "Linear (no bias)"});
  }
}
