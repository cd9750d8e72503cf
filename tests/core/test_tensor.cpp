// Tests for core/tensor.cpp: creation, element access, in-place operations, and their errors.
#include "support.hpp"

using namespace sf;
using sf::test::check_values;

TEST_SUITE("ch01-tensor") {
  TEST_CASE("creation: zeros, ones, full, arange and tensor") {
    Tensor z = zeros({2, 3});
    CHECK(z.shape() == Shape{2, 3});
    CHECK(z.dtype() == kFloat32);
    CHECK(z.strides() == Strides{3, 1});
    check_values(z, {0, 0, 0, 0, 0, 0});
    check_values(ones({2}), {1, 1});
    check_values(full({2}, 7.5, {.dtype = kFloat64}), {7.5, 7.5});
    check_values(arange(4), {0, 1, 2, 3});
    check_values(arange(1, 2, 0.25), {1, 1.25, 1.5, 1.75});
    check_values(arange(3, 0, -1), {3, 2, 1});
    check_values(tensor({1, 2, 3, 4}, {2, 2}), {1, 2, 3, 4});
    CHECK(scalar_tensor(3).dim() == 0);
    CHECK(scalar_tensor(3).item() == 3);
    CHECK(tensor({1, 2}, {.dtype = kInt64}).to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 2});
  }

  TEST_CASE("creation errors name the op and the rule") {
    CHECK_THROWS_WITH_AS(tensor({1, 2, 3}, {2, 2}), "tensor: 3 values cannot fill shape [2, 2] (4 elements)",
                         ShapeError);
    CHECK_THROWS_WITH_AS(zeros({2, -1}), "empty: shape [2, -1] has a negative size", ShapeError);
    CHECK_THROWS_AS(arange(0, 1, 0), ValueError);
    Generator g(0);
    CHECK_THROWS_WITH_AS(uniform({2}, 1, 1, g), "uniform: need low < high, got [1, 1)", ValueError);
  }

  TEST_CASE("random tensors are reproducible from the seed") {
    Generator a(11), b(11);
    CHECK(sf::test::same_values(randn({3, 4}, a), randn({3, 4}, b)));
    Generator c(11);
    Tensor u = rand({1000}, c);
    for (double v : u.to_vector<double>()) CHECK((v >= 0 && v < 1));
    Generator d(2);
    Tensor ids = randint(0, 5, {100}, d);
    CHECK(ids.dtype() == kInt64);
    for (auto v : ids.to_vector<std::int64_t>()) CHECK((v >= 0 && v < 5));
  }

  TEST_CASE("a Tensor is a shared handle: copies alias, clone() copies") {
    Tensor a = zeros({2});
    Tensor b = a;  // same tensor
    b.fill_(1);
    check_values(a, {1, 1});
    Tensor c = a.clone();
    c.fill_(2);
    check_values(a, {1, 1});
    CHECK(b.is_same(a));
    CHECK_FALSE(c.is_same(a));
  }

  TEST_CASE("item() needs exactly one element, data<T>() checks the dtype") {
    CHECK(full({1, 1}, 4).item() == 4);
    CHECK_THROWS_WITH_AS(zeros({2, 3}).item(), "item: the tensor has shape [2, 3] (6 elements); item() needs exactly one",
                         ValueError);
    CHECK_THROWS_WITH_AS(zeros({2}).data<double>(), "data: the tensor holds float32, not float64", TypeError);
  }

  TEST_CASE("an undefined tensor is an error, not a crash") {
    Tensor t;
    CHECK_FALSE(t.defined());
    CHECK_THROWS_AS(t.shape(), ValueError);
    CHECK_THROWS_AS(t + t, ValueError);
  }

  TEST_CASE("in-place operations write through views and bump the version counter") {
    Tensor a = zeros({2, 3});
    const auto v0 = a.storage()->version();
    a.narrow(1, 1, 2).fill_(5);
    check_values(a, {0, 5, 5, 0, 5, 5});
    CHECK(a.storage()->version() == v0 + 1);
    a.add_(ones({3}), 2.0);  // broadcast over rows
    check_values(a, {2, 7, 7, 2, 7, 7});
    a.mul_(0.5);
    check_values(a, {1, 3.5, 3.5, 1, 3.5, 3.5});
    a.copy_(arange(3));
    check_values(a, {0, 1, 2, 0, 1, 2});
    a.zero_();
    check_values(a, {0, 0, 0, 0, 0, 0});
  }

  TEST_CASE("in-place operations are refused where they would corrupt results") {
    Tensor w = ones({2}, {.requires_grad = true});
    CHECK_THROWS_WITH_AS(w.fill_(0),
                         "fill_: in-place operation on a tensor that requires grad; wrap it in NoGradGuard (as an "
                         "optimizer step does), or use the out-of-place form",
                         AutogradError);
    {
      NoGradGuard no_grad;
      w.fill_(3);  // allowed: this is how an optimizer updates parameters
    }
    check_values(w, {3, 3});
    Tensor e = ones({3}).expand({2, 3});
    CHECK_THROWS_AS(e.fill_(1), ValueError);
    CHECK_THROWS_WITH_AS(zeros({2}).add_(ones({3})), "add_: shape [3] does not broadcast to the destination's shape [2]",
                         ShapeError);
    CHECK_THROWS_AS(zeros({2}).add_(ones({2}, {.dtype = kFloat64})), TypeError);
  }

  TEST_CASE("to() converts between dtypes") {
    Tensor a = tensor({1.5, -2.25});
    check_values(a.to(kFloat64), {1.5, -2.25});
    CHECK(a.to(kFloat64).dtype() == kFloat64);
    CHECK(a.to(kInt64).to_vector<std::int64_t>() == std::vector<std::int64_t>{1, -2});
    CHECK(a.to(kFloat32).is_same(a));  // already float32: the same tensor
  }
}
