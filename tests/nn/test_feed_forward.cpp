// Tests for nn/feed_forward.cpp.
#include "nn/nn.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::NoGradGuard;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch09-feed-forward") {
  TEST_CASE("the base model's FFN: 512 → 2048 → 512 has 2,099,712 parameters") {
    FeedForward ffn({.d_model = 512, .d_ff = 2048});
    CHECK(ffn.parameter_count() == 512 * 2048 + 2048 + 2048 * 512 + 512);
    CHECK(ffn.parameter_count() == 2099712);
  }

  TEST_CASE("a hand-checkable forward: the ReLU zeroes the negative hidden unit") {
    FeedForward ffn({.d_model = 2, .d_ff = 2, .dropout = 0.0});
    {
      NoGradGuard no_grad;
      ffn.linear1.weight.copy_(tensor({1, 0, 0, -1}, {2, 2}));  // hidden = (x1, -x2) + b1
      ffn.linear1.bias.copy_(tensor({0, 1}));
      ffn.linear2.weight.copy_(tensor({1, 1, 2, 0}, {2, 2}));  // out = (h1 + h2, 2·h1) + b2
      ffn.linear2.bias.copy_(tensor({0.5, 0}));
    }
    // x = (3, 4): hidden before ReLU (3, -3) → (3, 0); out = (3 + 0 + 0.5, 6 + 0) = (3.5, 6)
    check_values(ffn(tensor({3, 4}, {1, 2})), {3.5, 6});
    // x = (-1, -2): hidden (-1, 3) → (0, 3); out = (0 + 3 + 0.5, 0) = (3.5, 0)
    check_values(ffn(tensor({-1, -2}, {1, 2})), {3.5, 0});
  }

  TEST_CASE("position-wise: applying it to each row alone equals applying it to all rows at once") {
    Generator gen(1);
    FeedForward ffn({.d_model = 4, .d_ff = 8, .dropout = 0.0}, gen);
    Tensor x = randn({3, 4}, gen);
    const Tensor all = ffn(x);
    for (int t = 0; t < 3; ++t) check_values(ffn(x[t]), all[t].to_vector<double>(), 1e-6);
  }

  TEST_CASE("gradcheck: FeedForward with ReLU and with GELU") {
    for (Activation act : {Activation::ReLU, Activation::GELU}) {
      FeedForward ffn({.d_model = 3, .d_ff = 5, .dropout = 0.0, .activation = act, .dtype = kFloat64});
      Inputs in{rand64({2, 3}, 2)};
      for (const Tensor& p : ffn.parameters()) in.push_back(p);
      // A random input crosses relu's kink at 0 only with probability zero; none does here.
      CHECK_GRADCHECK([&](const Inputs& x) { return ffn(x[0]); }, in,
                      {.name = act == Activation::ReLU ? "FeedForward (ReLU)" : "FeedForward (GELU)"});
    }
  }

  TEST_CASE(
      "in training the fused ReLU and dropout give the bits of the plain chain, forward and gradients") {
    Generator g1(9), g2(9);
    FeedForward ffn({.d_model = 8, .d_ff = 32, .dropout = 0.2}, g1);
    Tensor x = randn({5, 8}, g1).requires_grad_();
    g2.set_state(g1.state());
    const Tensor fused = ffn(x);  // ReLU: linear2(linear_relu_dropout(x, linear1's weights))
    const std::vector<double> fused_grad = [&] {
      sum(fused).backward();
      return x.grad().to_vector<double>();
    }();
    const std::vector<double> fused_w1 = ffn.linear1.weight.grad().to_vector<double>();
    ffn.zero_grad();
    x.set_grad(Tensor());
    const Tensor plain = ffn.linear2(dropout(relu(ffn.linear1(x)), 0.2, true, g2));
    sum(plain).backward();
    CHECK(sf::test::same_values(fused, plain));
    CHECK(x.grad().to_vector<double>() == fused_grad);
    CHECK(ffn.linear1.weight.grad().to_vector<double>() == fused_w1);
  }
}
