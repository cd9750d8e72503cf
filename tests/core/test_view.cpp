// Tests for core/ops/view.cpp: views share memory, have the expected strides, refuse what strides
// forbid, and pass gradients back into the input's shape.
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch01-tensor") {
  TEST_CASE("views share storage: writing through a view changes the original") {
    Tensor a = zeros({2, 3});
    Tensor row = a[1];
    CHECK(row.storage() == a.storage());
    row.fill_(7);
    check_values(a, {0, 0, 0, 7, 7, 7});
    CHECK(a.transpose(0, 1).storage() == a.storage());
    CHECK(a.view({3, 2}).storage() == a.storage());
  }

  TEST_CASE("transpose swaps strides, contiguous() copies only when needed") {
    Tensor a = arange(6).view({2, 3});
    Tensor t = a.transpose(0, 1);
    CHECK(t.shape() == Shape{3, 2});
    CHECK(t.strides() == Strides{1, 3});
    CHECK_FALSE(t.is_contiguous());
    check_values(t, {0, 3, 1, 4, 2, 5});
    Tensor c = t.contiguous();
    CHECK(c.is_contiguous());
    CHECK(c.storage() != a.storage());
    CHECK(a.contiguous().is_same(a));  // already contiguous: no copy
  }

  TEST_CASE("the lecture's head split: view, then transpose (and the wrong split that mixes tokens)") {
    // L = 3 tokens, d_model = 4, h = 2 heads of d_k = 2 (chapter 1, docs/01-tensor.md).
    Tensor t = tensor({0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23}, {1, 3, 4});
    Tensor v = t.view({1, 3, 2, 2});  // [B, L, h, d_k]
    CHECK(v.strides() == Strides{12, 4, 2, 1});
    Tensor heads = v.transpose(1, 2);  // [B, h, L, d_k]
    CHECK(heads.strides() == Strides{12, 2, 4, 1});
    check_values(heads[0][0], {0, 1, 10, 11, 20, 21});  // head 0: first two features of every token
    check_values(heads[0][1], {2, 3, 12, 13, 22, 23});
    // Wrong: view straight to [B, h, L, d_k]. Head 0 now holds token 0 and half of token 1.
    Tensor wrong = t.view({1, 2, 3, 2});
    check_values(wrong[0][0], {0, 1, 2, 3, 10, 11});
  }

  TEST_CASE("merging the heads back needs contiguous(): view refuses, as PyTorch does") {
    Tensor out = arange(12).view({1, 2, 3, 2});  // [B, h, L, d_k], contiguous
    CHECK(out.strides() == Strides{12, 6, 2, 1});
    Tensor back = out.transpose(1, 2);  // [B, L, h, d_k]
    CHECK(back.strides() == Strides{12, 2, 6, 1});
    CHECK_THROWS_WITH_AS(
        back.view({1, 3, 4}),
        "view: cannot view a tensor of shape [1, 3, 2, 2] with strides [12, 2, 6, 1] as [1, 3, 4]: a "
        "new dimension would span memory that is not contiguous (this tensor is a transposed or "
        "sliced view). Call .contiguous() first, or use .reshape(), which copies",
        ShapeError);
    check_values(back.contiguous().view({1, 3, 4}), {0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11});
    check_values(back.reshape({1, 3, 4}), {0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11});
  }

  TEST_CASE("view infers one -1 and checks the element count") {
    CHECK(arange(12).view({3, -1}).shape() == Shape{3, 4});
    CHECK_THROWS_WITH_AS(arange(12).view({5, -1}),
                         "view: cannot give a tensor of shape [12] (12 elements) the shape [5, -1]",
                         ShapeError);
    CHECK_THROWS_WITH_AS(arange(12).view({-1, -1}), "view: shape [-1, -1] has more than one -1", ShapeError);
    CHECK_THROWS_WITH_AS(
        arange(12).view({5, 2}),
        "view: cannot give a tensor of shape [12] (12 elements) the shape [5, 2] (10 elements)", ShapeError);
  }

  TEST_CASE("narrow, slice and select pick sub-blocks without copying") {
    Tensor a = arange(12).view({3, 4});
    check_values(a.narrow(1, 1, 2), {1, 2, 5, 6, 9, 10});
    check_values(a.slice(1, 0, 4, 2), {0, 2, 4, 6, 8, 10});
    check_values(a.slice(0, -1, 3), {8, 9, 10, 11});
    check_values(a.select(1, -1), {3, 7, 11});
    CHECK(a.select(0, 1).shape() == Shape{4});
    CHECK(a.narrow(1, 1, 2).offset() == 1);
    CHECK_THROWS_WITH_AS(a.select(0, 3),
                         "select: index 3 is out of range for axis 0 of size 3 (shape [3, 4])", IndexError);
    CHECK_THROWS_WITH_AS(a.narrow(1, 3, 2),
                         "narrow: start 3 and length 2 do not fit in axis 1 of shape [3, 4]", IndexError);
    CHECK_THROWS_AS(a.slice(1, 0, 4, 0), ValueError);
  }

  TEST_CASE("squeeze, unsqueeze, flatten and permute") {
    Tensor a = zeros({2, 1, 3});
    CHECK(a.squeeze(1).shape() == Shape{2, 3});
    CHECK(a.unsqueeze(0).shape() == Shape{1, 2, 1, 3});
    CHECK(a.unsqueeze(-1).shape() == Shape{2, 1, 3, 1});
    CHECK(a.flatten().shape() == Shape{6});
    CHECK(zeros({2, 3, 4}).flatten(1).shape() == Shape{2, 12});
    CHECK(zeros({2, 3, 4}).permute({2, 0, 1}).shape() == Shape{4, 2, 3});
    CHECK_THROWS_WITH_AS(a.squeeze(0), "squeeze: axis 0 of shape [2, 1, 3] has size 2, not 1", ShapeError);
    CHECK_THROWS_WITH_AS(a.permute({0, 0, 1}), "permute: order [0, 0, 1] is not a permutation of 0..2",
                         ShapeError);
    CHECK_THROWS_AS(a.permute({0, 1}), ShapeError);
  }

  TEST_CASE("expand repeats size-1 axes with stride 0") {
    Tensor col = tensor({1, 2}, {2, 1});
    Tensor e = col.expand({2, 3});
    CHECK(e.strides() == Strides{1, 0});
    check_values(e, {1, 1, 1, 2, 2, 2});
    CHECK(tensor({5}).expand({2, 2, 1}).shape() == Shape{2, 2, 1});
    CHECK(col.expand({-1, 4}).shape() == Shape{2, 4});
    CHECK_THROWS_WITH_AS(
        zeros({3, 2}).expand({3, 4}),
        "expand: cannot expand shape [3, 2] to [3, 4]: dimension 1 has size 2, and only size-1 "
        "dimensions can be expanded",
        ShapeError);
  }
}

TEST_SUITE("ch02-autograd") {
  // Views feed ops like any tensor; their backward puts the gradient back in the input's layout.
  TEST_CASE("gradcheck: view and reshape") {
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return in[0].view({3, 4}) * in[1];
        },
        {rand64({2, 6}, 1), rand64({4}, 2)}, {.name = "view"});
    CHECK_GRADCHECK([](const Inputs& in) { return in[0].transpose(0, 1).reshape({6}); }, {rand64({2, 3}, 3)},
                    {.name = "reshape of a transpose (copies)"});
  }

  TEST_CASE("gradcheck: transpose and permute") {
    CHECK_GRADCHECK([](const Inputs& in) { return matmul(in[0].transpose(0, 1), in[1]); },
                    {rand64({3, 2}, 4), rand64({3, 4}, 5)}, {.name = "transpose"});
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return in[0].permute({2, 0, 1}) * 2.0;
        },
        {rand64({2, 3, 4}, 6)}, {.name = "permute"});
  }

  TEST_CASE("gradcheck: narrow, slice, select: unselected elements get zero gradient") {
    CHECK_GRADCHECK([](const Inputs& in) { return in[0].narrow(1, 1, 2) * in[0].narrow(1, 0, 2); },
                    {rand64({3, 4}, 7)}, {.name = "narrow (overlapping, the input is used twice)"});
    CHECK_GRADCHECK([](const Inputs& in) { return in[0].slice(0, 0, 5, 2); }, {rand64({5, 2}, 8)},
                    {.name = "slice with step"});
    CHECK_GRADCHECK([](const Inputs& in) { return in[0].select(1, 2) + in[0].select(1, 0); },
                    {rand64({2, 3}, 9)}, {.name = "select"});
  }

  TEST_CASE("gradcheck: squeeze, unsqueeze, flatten, expand") {
    CHECK_GRADCHECK([](const Inputs& in) { return in[0].unsqueeze(0).squeeze(0).flatten(); },
                    {rand64({2, 3}, 10)}, {.name = "squeeze/unsqueeze/flatten"});
    // expand: each input element is repeated 4·5 times, so its gradient sums 20 output gradients.
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return in[0].expand({4, 2, 5, 3});
        },
        {rand64({2, 1, 3}, 11)}, {.name = "expand"});
  }

  TEST_CASE("gradcheck: contiguous of a transposed view") {
    CHECK_GRADCHECK([](const Inputs& in) { return in[0].transpose(0, 1).contiguous().view({-1}); },
                    {rand64({2, 3}, 12)}, {.name = "contiguous"});
  }
}
