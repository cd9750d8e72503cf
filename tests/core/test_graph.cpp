// Tests for core/graph.cpp: the Graphviz drawing of an autograd graph.
#include "support.hpp"

using namespace sf;

TEST_SUITE("ch02-autograd") {
  TEST_CASE("the DOT text names every op and leaf, with values and gradients of tiny tensors") {
    Tensor w = tensor({2.0}, {.requires_grad = true});
    w.set_name("w");
    Tensor x = tensor({3.0});
    Tensor y = w * x + 1.0;
    y.set_name("y");
    y.backward();
    const std::string dot = to_dot(y);
    CHECK(dot.find("digraph autograd {") == 0);
    CHECK(dot.find("label=\"add → y [1]\\ndata: 7.0000\"") != std::string::npos);
    CHECK(dot.find("label=\"mul [1]\"") != std::string::npos);  // intermediate values are gone once freed
    CHECK(dot.find("label=\"w [1]\\ndata: 2.0000\\ngrad: 3.0000\"") != std::string::npos);
    CHECK(dot.find(" -> ") != std::string::npos);
  }

  TEST_CASE("an input shared by two ops appears once") {
    Tensor a = ones({2}, {.requires_grad = true});
    const std::string dot = to_dot(a * a);
    std::size_t leaves = 0;
    for (std::size_t at = dot.find("shape=box"); at != std::string::npos; at = dot.find("shape=box", at + 1))
      ++leaves;
    CHECK(leaves == 1);
  }
}
