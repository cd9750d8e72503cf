// Tests for core/ops/dropout.cpp: the dropout and relu_dropout ops, their masks and gradients.
#include <vector>

#include "core/kernels/dropout.hpp"
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

  TEST_CASE("the dropout kernels keep element i exactly when draw start + i is at least p, from any begin") {
    // The kernels step through the stream's words instead of computing each draw (random.hpp): the
    // same draws as Generator::bits_at, checked one by one, for a range that does not start at 0.
    const Generator gen(11);
    const std::uint64_t start = 1000;
    const float p = 0.3f, scale = 2.0f;
    std::vector<float> in(64), out(64, -1.0f), relu_out(64, -1.0f);
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>(i % 2 ? i : -i) * 0.5f + 0.25f;
    kernels::dropout_apply(out.data(), in.data(), 5, 64, gen.key(), start, p, scale);
    kernels::relu_dropout_apply(relu_out.data(), in.data(), 5, 64, gen.key(), start, p, scale);
    int kept = 0;
    for (std::size_t i = 5; i < in.size(); ++i) {
      CAPTURE(i);
      const bool keep = uniform_float_from_bits(gen.bits_at(start + i)) >= p;
      kept += keep;
      CHECK(out[i] == (keep ? in[i] * scale : 0.0f));
      CHECK(relu_out[i] == (keep && in[i] > 0 ? in[i] * scale : 0.0f));
    }
    CHECK(out[4] == -1.0f);  // before begin: untouched
    CHECK(kept > 20);        // about 70% of 59 kept: the check above saw both cases
    CHECK(kept < 59);
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
