// measure.cpp: see measure.hpp.
#include "examples/common/measure.hpp"

#include <algorithm>
#include <cmath>

#include "core/core.hpp"

namespace sf::examples {

double max_difference(const Tensor& a, const Tensor& b) {
  double worst = 0;
  const auto x = a.to_vector<double>(), y = b.to_vector<double>();
  for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(x[i] - y[i]));
  return worst;
}

double norm_of(const Tensor& t) { return std::sqrt(sum(t * t).item()); }

}  // namespace sf::examples
