// Built against the installed package by tests/package/check_package.cmake.
#include <core/core.hpp>
#include <iostream>

int main() {
  sf::Tensor a = sf::tensor({1, 2, 3, 4}, {2, 2}, {.requires_grad = true});
  sf::Tensor loss = sf::sum(sf::matmul(a, a));
  loss.backward();
  std::cout << loss.item() << ' ' << a.grad().to_vector<double>()[0] << '\n';  // 54 7
  return loss.item() == 54 ? 0 : 1;
}
