// Tests for core/gradcheck.cpp, led by a "bug zoo": deliberately wrong backward formulas that the
// checker (or autograd's own shape check) must catch. A checker that cannot fail is worthless.
//
// Each buggy op is written exactly like a real one (core/ops/*.cpp): a Node with its saved
// tensors, a forward that records it, and a backward right below.
#include "support.hpp"

using namespace sf;
using sf::test::Inputs;
using sf::test::rand64;

namespace {

// ---- Bug 1: matmul whose backward forgets a transpose: dA = dC·B instead of dC·Bᵀ ----------------
// With square matrices the shapes still fit, so only the values can give it away.
struct MatMulNoTranspose final : Node {
  SavedTensor a{this}, b{this};
  const char* name() const override { return "matmul without transpose"; }
  std::vector<Tensor> backward(const Tensor& dout) override {
    return {matmul(dout, b.get()) /* BUG: should be b.get().transpose(0, 1) */,
            matmul(a.get().transpose(0, 1), dout)};
  }
};
Tensor buggy_matmul(const Tensor& a, const Tensor& b) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = matmul(a, b);
  }
  if (auto node = record<MatMulNoTranspose>(out, {a, b})) {
    node->a.save(a);
    node->b.save(b);
  }
  return out;
}

// ---- Bug 2: no accumulation on fan-in ------------------------------------------------------------------
// square(x) = x·x uses x twice (two edges into x). Its backward keeps only one path's gradient,
// which is what an engine that overwrote instead of summing gradients would produce.
struct SquareOnePath final : Node {
  SavedTensor x{this};
  const char* name() const override { return "square keeping one path"; }
  std::vector<Tensor> backward(const Tensor& dout) override {
    return {mul(dout, x.get()), Tensor() /* BUG: the second use of x also deserves dout·x */};
  }
};
Tensor buggy_square(const Tensor& x) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = mul(x, x);
  }
  if (auto node = record<SquareOnePath>(out, {x, x})) node->x.save(x);
  return out;
}

// ---- Bug 3: a broadcast gradient that is not reduced ------------------------------------------------
// add(a [2, 3], b [3]): b's gradient must be summed over the 2 rows. Two ways to get it wrong.
struct AddNoReduce final : Node {
  bool mean_instead_of_sum = false;
  const char* name() const override { return "add without reduction"; }
  std::vector<Tensor> backward(const Tensor& dout) override {
    if (mean_instead_of_sum)
      return {dout, mean(dout, 0) /* BUG: the copies' gradients add up; not averaged */};
    return {dout, dout /* BUG: shape [2, 3] for an input of shape [3] */};
  }
};
Tensor buggy_add(const Tensor& a, const Tensor& b, bool mean_instead_of_sum) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = add(a, b);
  }
  if (auto node = record<AddNoReduce>(out, {a, b})) node->mean_instead_of_sum = mean_instead_of_sum;
  return out;
}

}  // namespace

TEST_SUITE("ch02-autograd") {
  TEST_CASE("bug zoo: a missing transpose in matmul's backward is caught, and the report says where") {
    Tensor a = rand64({3, 3}, 1), b = rand64({3, 3}, 2);
    a.set_name("A");
    const auto r = gradcheck([](const Inputs& in) { return buggy_matmul(in[0], in[1]); }, {a, b},
                             {.name = "buggy matmul"});
    CHECK_FALSE(r.passed);
    CHECK(
        r.report.find(
            "gradcheck failed for 'buggy matmul' with respect to input 0 'A' (shape [3, 3]) at element [") !=
        std::string::npos);
    CHECK(r.report.find("analytic ") != std::string::npos);
    CHECK(r.report.find("numeric ") != std::string::npos);
    CHECK(r.report.find("> tolerance") != std::string::npos);
    // The same check passes with the real matmul: the test is not rigged.
    CHECK(gradcheck([](const Inputs& in) { return matmul(in[0], in[1]); }, {a, b}).passed);
  }

  TEST_CASE("bug zoo: dropping one path's gradient on fan-in is caught") {
    const auto r = gradcheck([](const Inputs& in) { return buggy_square(in[0]); }, {rand64({4}, 3)},
                             {.name = "buggy square"});
    CHECK_FALSE(r.passed);
    CHECK(r.report.find("'buggy square' with respect to input 0") != std::string::npos);
    CHECK(r.report.find("4 of 4 elements of this input disagree") != std::string::npos);
  }

  TEST_CASE("bug zoo: an unreduced broadcast gradient is stopped by autograd's shape check") {
    Tensor a = rand64({2, 3}, 4), b = rand64({3}, 5);
    CHECK_THROWS_WITH_AS(
        gradcheck([](const Inputs& in) { return buggy_add(in[0], in[1], false); }, {a, b}),
        "add without reduction: backward returned a gradient of shape [2, 3] (float64) for input 1 "
        "of shape [3] (float64); a gradient must have its input's shape (was a broadcast not "
        "reduced?)",
        AutogradError);
  }

  TEST_CASE("bug zoo: a broadcast gradient averaged instead of summed has the right shape but is caught") {
    const auto r = gradcheck([](const Inputs& in) { return buggy_add(in[0], in[1], true); },
                             {rand64({2, 3}, 6), rand64({3}, 7)}, {.name = "add (mean instead of sum)"});
    CHECK_FALSE(r.passed);
    CHECK(r.report.find("with respect to input 1 (shape [3])") != std::string::npos);
  }

  TEST_CASE("a plain sum as the loss would hide bugs that the random projection reveals") {
    // Σ(A·B) has gradient 1·Bᵀ summed... every output weighted equally. For B = its own transpose
    // (symmetric) the missing transpose is invisible even with a projection, so B is not symmetric
    // here, and the projection catches what a plain sum of a row-constant gradient could not.
    Tensor a = rand64({3, 3}, 8), b = rand64({3, 3}, 9);
    CHECK_FALSE(gradcheck([](const Inputs& in) { return buggy_matmul(in[0], in[1]); }, {a, b}).passed);
  }

  TEST_CASE("vacuous checks are refused") {
    // The function ignores its input: every gradient is zero, and any backward would "pass".
    const auto r =
        gradcheck([](const Inputs& in) { return in[0] * 0.0; }, {rand64({3}, 10)}, {.name = "times zero"});
    CHECK_FALSE(r.passed);
    CHECK(r.report.find("vacuous check: input 0 (shape [3]) has a zero gradient everywhere") !=
          std::string::npos);
  }

  TEST_CASE("gradcheck needs float64 leaves and something to check") {
    Tensor f32 = ones({2}, {.requires_grad = true});
    CHECK_THROWS_WITH_AS(
        gradcheck([](const Inputs& in) { return in[0]; }, {f32}, {.name = "f"}),
        "gradcheck of 'f': input 0 (shape [2]) is float32; finite differences need float64 (use "
        ".to(kFloat64))",
        TypeError);
    CHECK_THROWS_AS(gradcheck([](const Inputs& in) { return in[0]; }, {ones({2}, {.dtype = kFloat64})}),
                    ValueError);
  }

  TEST_CASE("a passing check reports how close it came") {
    const auto r = gradcheck([](const Inputs& in) { return exp(in[0]); }, {rand64({3}, 11)}, {.name = "exp"});
    CHECK(r.passed);
    CHECK(r.worst_ratio < 1);
    CHECK(r.report.find("gradcheck of 'exp' passed: 3 elements") == 0);
  }
}
