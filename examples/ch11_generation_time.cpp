// ch11_generation_time: chapter 11's key/value cache timed on this machine (docs/11-decoder.md,
// "Generation"). Feeds 64 target tokens one by one to TransformerConfig::small, (a) with the cache,
// (b) running the decoder on the whole prefix at every step, as a model without a cache must, and
// prints the two wall-clock times. The times depend on the machine and vary from run to run, so no
// test compares them (ch11_decoder prints the chapter's numbers that do not).
//
//   ch11_generation_time
#include <chrono>
#include <cstdint>
#include <iostream>
#include <vector>

#include "core/core.hpp"
#include "nn/nn.hpp"

using namespace sf;
using namespace sf::nn;

int main() {
  Generator gen(1);
  TransformerConfig c = TransformerConfig::small(1000, 1000);
  c.layer.dropout = 0.0;
  Transformer model(c, gen);
  NoGradGuard no_grad;
  const std::int64_t T = 64;
  const Tensor source = tensor(std::vector<double>(20, 7.0), {1, 20}, {.dtype = kInt64});
  const Tensor tokens = tensor(std::vector<double>(T, 5.0), {1, T}, {.dtype = kInt64});
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  GenerationState state = model.start_generation(source, T);
  for (std::int64_t t = 0; t < T; ++t) model.generation_step(state, tokens.narrow(1, t, 1));
  auto t1 = clock::now();
  const Tensor memory = model.encode(source);
  for (std::int64_t t = 1; t <= T; ++t) model.decode(tokens.narrow(1, 0, t), memory, source);
  auto t2 = clock::now();
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::cout << T << " tokens, small model: with the cache " << ms(t1 - t0) << " ms, recomputing the prefix "
            << ms(t2 - t1) << " ms\n";
  return 0;
}
