// A whole training step (forward with dropout, loss, backward, clipping, Adam) gives the same bits on
// any number of threads and on every run with the same seed. Each piece has its own determinism test
// (the matmul, LayerNorm, Adam); this one checks that nothing between them depends on the threads.
#include <cstring>

#include "core/parallel/thread_pool.hpp"
#include "nn/nn.hpp"
#include "optim/optim.hpp"
#include "support.hpp"

using namespace sf;

namespace {

// Big enough that the matmuls, the elementwise loops and the loss really split across threads
// (1024 rows of d_model 64 and d_ff 256), small enough for the sanitizer build.
struct Outcome {
  std::vector<double> losses;
  std::vector<float> weights;
};

Outcome train_three_steps(int threads) {
  set_num_threads(threads);
  Generator gen(11);
  nn::Transformer model({.source_vocab = 200,
                         .target_vocab = 200,
                         .layer = {.d_model = 64, .heads = 4, .d_ff = 256, .dropout = 0.1},
                         .encoder_layers = 1,
                         .decoder_layers = 1,
                         .max_len = 32},
                        gen);
  optim::Adam adam(model.parameters(), {.lr = 1e-3});
  Outcome out;
  for (int step = 0; step < 3; ++step) {
    const Tensor src = randint(2, 200, {64, 16}, gen), tgt = randint(2, 200, {64, 17}, gen);
    model.zero_grad();
    Tensor loss =
        nn::cross_entropy(model(src, tgt.narrow(1, 0, 16).contiguous()), tgt.narrow(1, 1, 16).contiguous(),
                          /*ignore_index=*/0, /*label_smoothing=*/0.1);
    loss.backward();
    optim::clip_grad_norm(model.parameters(), 1.0);
    adam.step();
    out.losses.push_back(loss.item());
  }
  for (const Tensor& p : model.parameters())
    for (float v : p.to_vector<float>()) out.weights.push_back(v);
  return out;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST_SUITE("ch12-optim") {
  TEST_CASE("a training step gives the same bits on 1, 2 or 3 threads, and again on a second run") {
    const Outcome one = train_three_steps(1);
    for (int threads : {2, 3, 1}) {
      CAPTURE(threads);
      const Outcome again = train_three_steps(threads);
      CHECK(again.losses == one.losses);
      CHECK(same_bits(again.weights, one.weights));
    }
    set_num_threads(2);
  }
}
