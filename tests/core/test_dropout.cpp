// Tests for core/ops/dropout.cpp: the dropout and relu_dropout ops, their masks and gradients.
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;

TEST_SUITE("ch08-layer-norm") {
  TEST_CASE("gradcheck: dropout passes the gradient through the kept elements only") {
    Generator gen(3);
    const auto state = gen.state();
    Tensor x = sf::test::rand64({3, 4}, 4);
    CHECK_GRADCHECK(
        [&](const Inputs& in) {
          gen.set_state(state);  // the same mask on every evaluation
          return dropout(in[0], 0.3, true, gen);
        },
        {x}, {.name = "dropout"});
  }

  TEST_CASE("dropout checks its probability") {
    Generator gen(0);
    CHECK_THROWS_AS(dropout(ones({2}), -0.1, true, gen), ValueError);
  }

  TEST_CASE("relu_dropout gives the same bits as relu then dropout, forward and backward") {
    for (DType dtype : {kFloat32, kFloat64}) {
      Generator ga(5), gb(5);
      Tensor x1 = randn({37, 29}, ga).to(dtype).requires_grad_();  // odd sizes: not a multiple of any chunk
      Tensor x2 = x1.detach().clone().requires_grad_();
      gb.set_state(ga.state());
      const Tensor plain = dropout(relu(x1), 0.3, true, ga);
      const Tensor fused = relu_dropout(x2, 0.3, true, gb);
      CHECK(sf::test::same_values(plain, fused));
      CHECK(ga.state().counter == gb.state().counter);  // both took the same draws
      const Tensor g = randn({37, 29}, ga).to(dtype);
      sum(plain * g).backward();
      sum(fused * g).backward();
      CHECK(sf::test::same_values(x1.grad(), x2.grad()));
    }
  }

  TEST_CASE("relu_dropout is relu in evaluation, and checks its probability") {
    Generator gen(0);
    CHECK(sf::test::same_values(relu_dropout(tensor({-1, 2}), 0.5, false, gen), tensor({0, 2})));
    CHECK(gen.state().counter == 0);
    CHECK_THROWS_WITH_AS(relu_dropout(ones({2}), 1.5, true, gen),
                         "relu_dropout: probability must be in [0, 1), got 1.5", ValueError);
  }

  TEST_CASE("gradcheck: relu_dropout, with inputs kept away from the kink at 0") {
    Generator gen(3);
    const auto state = gen.state();
    // The values avoid |x| < 0.1: at the kink a central difference measures the average slope.
    const Tensor x = tensor({-1.5, -0.3, 0.2, 0.9,  1.7, -0.8, 0.4,  -0.6, 1.1,  0.3,
                             -1.2, 0.7,  0.5, -0.2, 1.3, 0.6,  -0.9, 0.8,  0.25, -0.45},
                            {4, 5}, {.dtype = kFloat64, .requires_grad = true});
    CHECK_GRADCHECK(
        [&](const Inputs& in) {
          gen.set_state(state);  // the same mask on every evaluation
          return relu_dropout(in[0], 0.3, true, gen);
        },
        {x}, {.name = "relu_dropout"});
  }
}
