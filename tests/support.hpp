// support.hpp: small helpers shared by the test files.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/core.hpp"

namespace sf::test {

using Inputs = std::vector<Tensor>;

/// A float64 leaf with values uniform in [low, high), seeded: the usual input of a gradient check.
inline Tensor rand64(const Shape& shape, std::uint64_t seed, double low = -1.0, double high = 1.0) {
  Generator gen(seed);
  return uniform(shape, low, high, gen, {.dtype = kFloat64, .requires_grad = true});
}

/// Checks every element of t against `expected` (row-major) within an absolute tolerance.
inline void check_values(const Tensor& t, const std::vector<double>& expected, double tol = 1e-4) {
  const std::vector<double> v = t.to_vector<double>();
  REQUIRE_MESSAGE(v.size() == expected.size(), "tensor has ", v.size(), " elements, expected ", expected.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    CHECK_MESSAGE(std::fabs(v[i] - expected[i]) <= tol, "element ", i, " is ", v[i], ", expected ", expected[i]);
}

/// True when both tensors hold exactly the same values (bit for bit, as doubles).
inline bool same_values(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.to_vector<double>() == b.to_vector<double>();
}

}  // namespace sf::test

/// Runs sf::gradcheck and fails the test with its report (op, input, element, values) if it fails.
#define CHECK_GRADCHECK(...)                          \
  do {                                                \
    const auto sf_result_ = ::sf::gradcheck(__VA_ARGS__); \
    CHECK_MESSAGE(sf_result_.passed, sf_result_.report);  \
  } while (0)
