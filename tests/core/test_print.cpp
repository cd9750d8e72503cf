// Tests for core/print.cpp: tensors print like PyTorch's, with shape and dtype.
#include "support.hpp"

using namespace sf;

TEST_SUITE("ch01-tensor") {
  TEST_CASE("a matrix prints row by row with aligned columns") {
    CHECK(to_string(tensor({0.2, 0.1, 0.9, -0.4}, {2, 2})) ==
          "tensor([[ 0.2000,  0.1000],\n"
          "        [ 0.9000, -0.4000]], shape=[2, 2], dtype=float32)");
  }

  TEST_CASE("3-D tensors separate their blocks by a blank line") {
    CHECK(to_string(arange(8, {.dtype = kInt64}).view({2, 2, 2})) ==
          "tensor([[[0, 1],\n"
          "         [2, 3]],\n"
          "\n"
          "        [[4, 5],\n"
          "         [6, 7]]], shape=[2, 2, 2], dtype=int64)");
  }

  TEST_CASE("scalars, bools, gradients and tiny numbers") {
    CHECK(to_string(scalar_tensor(3.5)) == "tensor(3.5000, shape=[], dtype=float32)");
    CHECK(to_string(tensor({1, 0}, {.dtype = kBool})) == "tensor([ true, false], shape=[2], dtype=bool)");
    Tensor w = ones({1}, {.requires_grad = true});
    CHECK(to_string(w) == "tensor([1.0000], shape=[1], dtype=float32, requires_grad=true)");
    CHECK(to_string(w * 2.0) == "tensor([2.0000], shape=[1], dtype=float32, grad_fn=<mul>)");
    CHECK(to_string(tensor({1e-7, 1})) == "tensor([1.0000e-07, 1.0000e+00], shape=[2], dtype=float32)");
    CHECK(to_string(zeros({0, 3})) == "tensor([], shape=[0, 3], dtype=float32)");
    CHECK(to_string(Tensor()) == "tensor(undefined)");
  }

  TEST_CASE("large tensors are summarised with ...") {
    const std::string s = to_string(arange(2000, {.dtype = kInt64}));
    CHECK(s == "tensor([   0,    1,    2, ..., 1997, 1998, 1999], shape=[2000], dtype=int64)");
  }

  TEST_CASE("transposed views print in their logical order") {
    CHECK(to_string(arange(4, {.dtype = kInt64}).view({2, 2}).transpose(0, 1)) ==
          "tensor([[0, 2],\n"
          "        [1, 3]], shape=[2, 2], dtype=int64)");
  }
}
