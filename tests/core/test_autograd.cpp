// Tests for core/autograd.cpp: the backward pass, gradient accumulation, graph lifetime, grad mode,
// and the errors that protect a user from silently wrong gradients.
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch02-autograd") {
  TEST_CASE("a tensor used twice gets the sum of both paths' gradients (y = x·x gives 2x)") {
    Tensor x = tensor({3.0}, {.requires_grad = true});
    (x * x).backward();
    check_values(x.grad(), {6});
  }

  TEST_CASE("a diamond: b = e^a feeds c = 2b and d = 3b, e = c + d, so de/da = 5e^a") {
    Tensor a = tensor({0.5}, {.dtype = kFloat64, .requires_grad = true});
    Tensor b = exp(a);
    (b * 2.0 + b * 3.0).backward();
    check_values(a.grad(), {5 * std::exp(0.5)}, 1e-12);
  }

  TEST_CASE("gradients accumulate across backward calls until zeroed") {
    Tensor w = tensor({1.0, 2.0}, {.requires_grad = true});
    sum(w * 3.0).backward();
    sum(w * 3.0).backward();
    check_values(w.grad(), {6, 6});
    {
      NoGradGuard no_grad;
      w.grad().zero_();  // what an optimizer's zero_grad does: reuse the buffer
    }
    sum(w).backward();
    check_values(w.grad(), {1, 1});
  }

  TEST_CASE("backward() on a non-scalar needs an explicit output gradient") {
    Tensor x = ones({2, 3}, {.requires_grad = true});
    Tensor y = x * 2.0;
    CHECK_THROWS_WITH_AS(
        y.backward(),
        "backward: the output has shape [2, 3]; backward() without an output gradient needs a "
        "single-element output such as a loss. Pass the gradient explicitly: y.backward(dy)",
        AutogradError);
    y.backward(full({2, 3}, 0.5));
    check_values(x.grad(), {1, 1, 1, 1, 1, 1});
    CHECK_THROWS_AS(y.backward(ones({3})), AutogradError);
  }

  TEST_CASE("backward through a freed graph is an error, retain_graph keeps it") {
    Tensor x = tensor({1.0}, {.requires_grad = true});
    Tensor y = exp(x);
    y.backward({}, /*retain_graph=*/true);
    y.backward();  // allowed: the first call kept the saved tensors
    check_values(x.grad(), {2 * std::exp(1.0)}, 1e-5);
    CHECK_THROWS_WITH_AS(
        y.backward(),
        "exp: backward through this part of the graph a second time, but its saved tensors were freed "
        "by the first backward(); pass retain_graph = true to the first call",
        AutogradError);
  }

  TEST_CASE("an in-place change to a saved tensor is caught at backward time") {
    Tensor w = tensor({1.0, 2.0}, {.requires_grad = true});
    Tensor x = tensor({3.0, 4.0});  // does not require grad, but mul saves it for dw = dout·x
    Tensor y = sum(w * x);
    x.mul_(10);  // would make dw wrong
    CHECK_THROWS_WITH_AS(
        y.backward(),
        "mul: a tensor of shape [2] saved for backward was modified in place afterwards (version 0 "
        "when saved, 1 now); its gradient would be wrong. Modify a clone() instead, or do the "
        "in-place change before using the tensor",
        AutogradError);
  }

  TEST_CASE("the backward pass is iterative: a chain of 100,000 ops does not overflow the stack") {
    Tensor x = tensor({1.0}, {.dtype = kFloat64, .requires_grad = true});
    Tensor y = x;
    for (int i = 0; i < 100000; ++i) y = y * 1.0;
    y.backward();
    check_values(x.grad(), {1});
  }  // ...and destroying that graph does not recurse either

  TEST_CASE("NoGradGuard stops recording, detach() cuts a tensor out of the graph") {
    Tensor w = ones({2}, {.requires_grad = true});
    {
      NoGradGuard no_grad;
      Tensor y = w * 2.0;
      CHECK_FALSE(y.requires_grad());
      CHECK(y.grad_fn() == nullptr);
    }
    Tensor y = w * 2.0;
    CHECK(y.requires_grad());
    CHECK(std::string(y.grad_fn()->name()) == "mul");
    Tensor d = y.detach();
    CHECK_FALSE(d.requires_grad());
    CHECK(d.storage() == y.storage());
    Tensor z = sum(d * w);  // only the path through w counts
    z.backward();
    check_values(w.grad(), {2, 2});
  }

  TEST_CASE("retain_grad keeps an intermediate gradient") {
    Tensor x = tensor({2.0}, {.requires_grad = true});
    Tensor h = x * 3.0;
    h.retain_grad();
    (h * h).backward();  // d(h²)/dh = 2h = 12
    check_values(h.grad(), {12});
    check_values(x.grad(), {36});
  }

  TEST_CASE("requires_grad_ is for float leaves, backward needs something to differentiate") {
    Tensor y = ones({2}, {.requires_grad = true}) * 2.0;
    CHECK_THROWS_WITH_AS(
        y.requires_grad_(false),
        "requires_grad_: only leaf tensors can change requires_grad; this one was produced by 'mul' "
        "(call detach() first to make a leaf)",
        AutogradError);
    CHECK_THROWS_WITH_AS(zeros({2}, {.dtype = kInt64}).requires_grad_(),
                         "requires_grad_: only float32 and float64 tensors can require gradients, got int64",
                         TypeError);
    CHECK_THROWS_AS(sum(ones({2})).backward(), AutogradError);
  }

  TEST_CASE("a leaf can be its own loss") {
    Tensor x = scalar_tensor(5, {.requires_grad = true});
    x.backward();
    check_values(x.grad(), {1});
  }

  TEST_CASE("saved tensors are freed after backward, so a graph does not keep activations alive") {
    Tensor x = rand64({100}, 1);
    Tensor y = exp(x);
    std::weak_ptr<Storage> saved = y.storage();  // exp saves its output
    Tensor loss = sum(y);
    y = Tensor();  // drop our handle: only the graph holds the output now
    CHECK_FALSE(saved.expired());
    loss.backward();
    CHECK(saved.expired());
  }

  TEST_CASE("the chunks of one tensor add their gradients into one sum, in place") {
    // q, k, v = chunk(qkv, 3): the engine keeps one gradient for qkv and each chunk adds its part.
    Tensor x = tensor({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {2, 6}).requires_grad_();
    const auto parts = chunk(x, 3, 1);  // three [2, 2] views
    Tensor loss = sum(parts[0]) + 2.0 * sum(parts[1]) + 3.0 * sum(parts[2]) + sum(parts[1] * parts[1]);
    loss.backward();
    // d/dx: 1 on the first chunk; 2 + 2x on the second; 3 on the third.
    check_values(x.grad(), {1, 1, 2 + 2 * 3, 2 + 2 * 4, 3, 3, 1, 1, 2 + 2 * 9, 2 + 2 * 10, 3, 3});
  }

  TEST_CASE("gradcheck: slices, reuse and fan-in mixed, where sums are built in place") {
    // y feeds three slices and itself; an add returns the same gradient to both its inputs. No
    // gradient that something else still refers to may be changed in place.
    const Tensor x = rand64({3, 6}, 21);
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          const Tensor y = in[0] * in[0];
          const auto p = chunk(y, 3, 1);
          const Tensor both = p[0] + p[0];  // Add: one gradient, given to two inputs
          return concat({both * p[1], p[2] + y.narrow(1, 0, 2), y.narrow(1, 1, 2) * 3.0}, 1) +
                 y.narrow(1, 0, 6);
        },
        {x}, {.name = "slices and fan-in"});
  }
}
