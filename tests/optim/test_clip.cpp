// Tests for optim/clip.cpp: a 3-4-12-13 case checkable by hand, and the cases that must not scale.
#include "optim/clip.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::optim;

TEST_SUITE("ch12-optim") {
  TEST_CASE("clip_grad_norm: gradients (3, 4) and (12) have norm 13, and halve to reach 6.5") {
    Tensor a = zeros({2}, {.requires_grad = true}),
           b = zeros({1}, {.dtype = kFloat64, .requires_grad = true});
    Tensor unused = zeros({3}, {.requires_grad = true});  // no gradient: skipped
    a.set_grad(tensor({3, 4}));
    b.set_grad(tensor({12}, {.dtype = kFloat64}));
    CHECK(clip_grad_norm({a, b, unused}, 6.5) == 13.0);  // √(9 + 16 + 144)
    test::check_values(a.grad(), {1.5, 2.0}, 0);
    test::check_values(b.grad(), {6.0}, 0);
    CHECK_FALSE(unused.grad().defined());
  }

  TEST_CASE("clip_grad_norm: below the limit nothing changes") {
    Tensor a = zeros({2}, {.requires_grad = true});
    a.set_grad(tensor({3, 4}));
    CHECK(clip_grad_norm({a}, 5.0) == 5.0);
    test::check_values(a.grad(), {3, 4}, 0);
    CHECK(clip_grad_norm({}, 1.0) == 0.0);
  }

  TEST_CASE("clip_grad_norm: a non-finite norm is returned and the gradients are left alone") {
    Tensor a = zeros({2}, {.requires_grad = true}), b = zeros({1}, {.requires_grad = true});
    a.set_grad(tensor({3, 4}));
    b.set_grad(tensor({INFINITY}));
    CHECK(std::isinf(clip_grad_norm({a, b}, 1.0)));
    test::check_values(a.grad(), {3, 4}, 0);
    b.set_grad(tensor({NAN}));
    CHECK(std::isnan(clip_grad_norm({a, b}, 1.0)));
    test::check_values(a.grad(), {3, 4}, 0);
  }

  TEST_CASE("clip_grad_norm: max_norm must be positive") {
    CHECK_THROWS_WITH_AS(clip_grad_norm({}, 0.0), "clip_grad_norm: max_norm must be finite and > 0, got 0",
                         ValueError);
  }
}
