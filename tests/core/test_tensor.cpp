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
    CHECK_THROWS_WITH_AS(zeros({2, -1}), "zeros: shape [2, -1] has a negative size", ShapeError);
    CHECK_THROWS_WITH_AS(empty({2, -1}), "empty: shape [2, -1] has a negative size", ShapeError);
    CHECK_THROWS_AS(arange(0, 1, 0), ValueError);
    Generator g(0);
    CHECK_THROWS_WITH_AS(uniform({2}, 1, 1, g), "uniform: need low < high, got [1, 1)", ValueError);
  }

  TEST_CASE("sizes beyond the element limit are refused where they enter, naming the op (issue 18)") {
    // Once 2^80 elements wrapped to 0: a tensor with no memory, and select, select, item() crashed.
    CHECK_THROWS_WITH_AS(
        zeros({1LL << 40, 1LL << 40}),
        "zeros: shape [1099511627776, 1099511627776] has 1.20893e+24 elements, more than the "
        "limit of 1099511627776 (2^40)",
        ShapeError);
    // Once an expanded view of 2^80 elements summed to 0.
    CHECK_THROWS_WITH_AS(
        sum(ones({1, 1}).expand({1LL << 40, 1LL << 40})),
        "expand: shape [1099511627776, 1099511627776] has 1.20893e+24 elements, more than the "
        "limit of 1099511627776 (2^40)",
        ShapeError);
    CHECK_THROWS_WITH_AS(ones({1}).expand({-2}), "expand: shape [-2] has a negative size", ShapeError);
    const Tensor big = ones({1, 1}).expand({1LL << 20, 1LL << 20});  // 2^40 elements, no memory: allowed
    CHECK(big.numel() == kMaxNumel);
    CHECK(big.select(0, 5).select(0, 7).item() == 1.0);
    CHECK_THROWS_WITH_AS(arange(0, 1e30),
                         "arange: start 0, end 1e+30 and step 1 give 1e+30 elements, more than "
                         "the limit of 1099511627776 (2^40)",
                         ShapeError);
    CHECK_THROWS_WITH_AS(arange(-1e308, 1e308, 1e-10), doctest::Contains("give inf elements"), ShapeError);
    CHECK_THROWS_WITH_AS(eye(1LL << 21), doctest::Contains("eye: shape [2097152, 2097152] has 4398046511104"),
                         ShapeError);
    CHECK_THROWS_WITH_AS(tensor({1}, {1LL << 40, 1LL << 40}), doctest::Contains("tensor: shape"), ShapeError);
    Generator g(0);
    CHECK_THROWS_WITH_AS(randn({1LL << 41}, g), doctest::Contains("normal: shape [2199023255552] has"),
                         ShapeError);
    // view and reshape check the sizes they are given before multiplying them.
    CHECK_THROWS_WITH_AS(ones({4}).view({1LL << 40, 1LL << 40, 0}),
                         doctest::Contains("view: shape [1099511627776, 1099511627776, 0] has sizes whose"),
                         ShapeError);
    CHECK_THROWS_WITH_AS(ones({4}).reshape({-1, 1LL << 40, 1LL << 40}),
                         doctest::Contains("reshape: shape [1, 1099511627776, 1099511627776] has"),
                         ShapeError);
  }

  TEST_CASE("slice, narrow and select with huge arguments are errors or exact, never overflows") {
    const Tensor x = arange(10);
    check_values(x.slice(0, 2, 10, INT64_MAX), {2});  // (end - start + step - 1) once overflowed here
    check_values(x.slice(0, 0, 10, 1LL << 62), {0});
    CHECK_THROWS_WITH_AS(x.narrow(0, 3, INT64_MAX),
                         "narrow: start 3 and length 9223372036854775807 do not fit in axis 0 of shape [10]",
                         IndexError);
    CHECK_THROWS_AS(x.select(0, INT64_MIN), IndexError);
  }

  TEST_CASE("an allocation the machine cannot give is an sf::Error naming the size, not std::bad_alloc") {
#ifdef SF_SANITIZER_BUILD  // ASan or TSan, by GCC or clang
    MESSAGE("skipped: the sanitizers' allocators abort on an allocation of terabytes instead of failing it");
#else
    // 2^40 float64 elements (8 TiB) is within the element limit and beyond any machine's memory.
    try {
      const Tensor t = empty({kMaxNumel}, {.dtype = kFloat64});
      MESSAGE("skipped: this system promised 8 TiB (memory overcommit without limit)");
    } catch (const Error& e) {
      CHECK(std::string(e.what()) ==
            "storage: out of memory: cannot allocate 8796093022208 bytes (8192 GiB) for a tensor");
    }
#endif
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
    CHECK_THROWS_WITH_AS(zeros({2, 3}).item(),
                         "item: the tensor has shape [2, 3] (6 elements); item() needs exactly one",
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
    CHECK_THROWS_WITH_AS(
        w.fill_(0),
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
    CHECK_THROWS_WITH_AS(zeros({2}).add_(ones({3})),
                         "add_: shape [3] does not broadcast to the destination's shape [2]", ShapeError);
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
