// tiny_run.hpp: the smallest translator run the tests train, shared by the suites that train one (a
// header, so the test glob does not build it on its own).
#pragma once

#include <cstdint>

#include "examples/translator/run_config.hpp"

namespace translator_tests {

/// A run of a second or two on the toy grammar: 300 training pairs, a 16-wide model of one layer,
/// 6 steps of 16 sentences, validated (and saved) every `eval_every` steps.
inline sf::translator::RunConfig tiny_run(std::int64_t eval_every) {
  sf::translator::RunConfig c;
  c.train_size = 300;
  c.validation_size = 20;
  c.test_size = 20;
  c.d_model = 16;
  c.heads = 2;
  c.d_ff = 32;
  c.layers = 1;
  c.steps = 6;
  c.batch_size = 16;
  c.warmup = 2;
  c.eval_every = eval_every;
  return c;
}

}  // namespace translator_tests
