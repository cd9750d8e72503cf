// Tests for core/ops/layer_norm.cpp: layer_norm composed and fused, values, gradients, threads.
#include "core/parallel/thread_pool.hpp"
#include "support.hpp"

using namespace sf;
using sf::test::check_values;
using sf::test::Inputs;
using sf::test::rand64;

TEST_SUITE("ch08-layer-norm") {
  TEST_CASE("the fused LayerNorm equals the composed one, values and gradients") {
    Generator gen(7);
    const Tensor w = uniform({6}, 0.5, 1.5, gen, {.dtype = kFloat64, .requires_grad = true});
    const Tensor b = uniform({6}, -0.5, 0.5, gen, {.dtype = kFloat64, .requires_grad = true});
    const Tensor x = normal({3, 4, 6}, 2.0, 3.0, gen, {.dtype = kFloat64, .requires_grad = true});
    const Tensor R = randn({3, 4, 6}, gen, {.dtype = kFloat64});
    sum(layer_norm(x, w, b) * R).backward();
    const auto gx = x.grad().to_vector<double>(), gw = w.grad().to_vector<double>(),
               gb = b.grad().to_vector<double>();
    for (const Tensor& t : {x, w, b}) t.set_grad(Tensor());
    const Tensor fused = layer_norm_fused(x, w, b);
    check_values(fused, layer_norm(x, w, b).to_vector<double>(), 1e-12);
    sum(fused * R).backward();
    check_values(x.grad(), gx, 1e-12);
    check_values(w.grad(), gw, 1e-12);
    check_values(b.grad(), gb, 1e-12);
  }

  TEST_CASE("gradcheck: the fused LayerNorm, with and without gamma and beta") {
    Generator gen(8);
    const Tensor w = uniform({5}, 0.5, 1.5, gen, {.dtype = kFloat64, .requires_grad = true});
    const Tensor b = uniform({5}, -0.5, 0.5, gen, {.dtype = kFloat64, .requires_grad = true});
    CHECK_GRADCHECK([](const Inputs& in) { return layer_norm_fused(in[0], in[1], in[2]); },
                    {rand64({70, 5}, 9), w, b}, {.name = "layer_norm_fused"});
    CHECK_GRADCHECK([](const Inputs& in) { return layer_norm_fused(in[0], Tensor(), Tensor()); },
                    {rand64({3, 5}, 10)}, {.name = "layer_norm_fused (no affine)"});
  }

  TEST_CASE("a non-contiguous gamma and beta are read correctly (the kernel reads a contiguous copy)") {
    // Every second element of a [2·d] tensor: strided views. The fused op copies them into
    // contiguous tensors it keeps alive while the kernel reads them (ASan would see a dangling
    // pointer otherwise).
    Generator gen(14);
    const Tensor w_wide = uniform({12}, 0.5, 1.5, gen, {.dtype = kFloat64});
    const Tensor b_wide = uniform({12}, -0.5, 0.5, gen, {.dtype = kFloat64});
    const Tensor w = w_wide.view({6, 2}).select(1, 0), b = b_wide.view({6, 2}).select(1, 1);
    REQUIRE_FALSE(w.is_contiguous());
    const Tensor x = normal({5, 6}, 1.0, 2.0, gen, {.dtype = kFloat64});
    check_values(layer_norm_fused(x, w, b), layer_norm(x, w.contiguous(), b.contiguous()).to_vector<double>(),
                 1e-12);
    check_values(layer_norm_fused(x, w, b),
                 layer_norm_fused(x, w.contiguous(), b.contiguous()).to_vector<double>(), 0);
    CHECK_GRADCHECK(
        [](const Inputs& in) {
          return layer_norm_fused(in[0], in[1].view({6, 2}).select(1, 0), in[2]);
        },
        {rand64({3, 6}, 15), rand64({12}, 16), rand64({6}, 17)},
        {.name = "layer_norm_fused (strided gamma)"});
  }

  TEST_CASE("layer_norm and layer_norm_fused reject the same shapes with the same message") {
    for (auto f : {&layer_norm, &layer_norm_fused}) {
      CHECK_THROWS_WITH_AS(f(zeros({2, 3}), ones({4}), Tensor(), 1e-5),
                           "layer_norm: input of shape [2, 3] is normalised over its last axis of size 3 but "
                           "weight/bias have shape [4]",
                           ShapeError);
      CHECK_THROWS_WITH_AS(f(scalar_tensor(1.0), Tensor(), Tensor(), 1e-5),
                           "layer_norm: the input needs at least one axis", ShapeError);
    }
  }

  TEST_CASE("the fused LayerNorm gives the same bits on one thread or two") {
    Generator gen(11);
    const Tensor w = ones({64}, {.requires_grad = true}), b = zeros({64}, {.requires_grad = true});
    Tensor x = randn({300, 64}, gen, {.requires_grad = true});
    auto run = [&](int threads) {
      set_num_threads(threads);
      for (const Tensor& t : {x, w, b}) t.set_grad(Tensor());
      Tensor y = layer_norm_fused(x, w, b);
      sum(y * y).backward();
      return std::vector<std::vector<double>>{y.to_vector<double>(), x.grad().to_vector<double>(),
                                              w.grad().to_vector<double>()};
    };
    const auto one = run(1), two = run(2);
    set_num_threads(2);
    CHECK(one == two);
  }
}
