// ch15_gpt.hpp: the data and the training loop of chapter 15's decoder-only language model, shared
// by the example (examples/ch15_gpt.cpp) and its test (tests/translator/test_gpt_training.cpp).
//
// The text is the toy grammar's English side (examples/translator/grammar.hpp), tokenized into
// lower-case words. A sentence becomes <s> w1 ... wn </s>; the model reads tokens 0..n and is
// trained to predict tokens 1..n+1, each position only seeing the past (the causal mask).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "examples/translator/grammar.hpp"
#include "examples/translator/tokenizer.hpp"
#include "examples/translator/vocab.hpp"
#include "nn/decoder_only.hpp"
#include "nn/loss.hpp"
#include "optim/adam.hpp"
#include "optim/clip.hpp"
#include "optim/schedule.hpp"

namespace sf::ch15 {

struct Corpus {
  translator::Vocab vocab;
  std::vector<std::vector<int>> sentences;  // <s> ... </s> ids
};

/// `count` English sentences of the toy grammar (seeded), their vocabulary and their ids.
inline Corpus english_corpus(std::int64_t count, std::uint64_t seed) {
  Generator rng(seed);
  std::vector<std::vector<std::string>> tokens;
  for (std::int64_t i = 0; i < count; ++i)
    tokens.push_back(translator::tokenize(translator::generate_pair(rng).pair.source));
  Corpus corpus{translator::Vocab::build(tokens), {}};
  for (const auto& t : tokens) corpus.sentences.push_back(corpus.vocab.encode(t));
  return corpus;
}

/// One batch of sentences, padded with <pad> (0): inputs [B, T] = ids[0..n], targets [B, T] = ids[1..n+1].
struct Batch {
  Tensor inputs, targets;
};

inline Batch make_batch(const std::vector<std::vector<int>>& sentences, std::size_t first, std::size_t size) {
  std::size_t longest = 0;
  for (std::size_t i = 0; i < size; ++i)
    longest = std::max(longest, sentences[(first + i) % sentences.size()].size());
  const std::size_t T = longest - 1;
  std::vector<double> in(size * T, translator::Vocab::pad_id), out(size * T, translator::Vocab::pad_id);
  for (std::size_t b = 0; b < size; ++b) {
    const auto& s = sentences[(first + b) % sentences.size()];
    for (std::size_t t = 0; t + 1 < s.size(); ++t) {
      in[b * T + t] = s[t];
      out[b * T + t] = s[t + 1];
    }
  }
  const Shape shape{static_cast<std::int64_t>(size), static_cast<std::int64_t>(T)};
  return {tensor(in, shape, {.dtype = kInt64}), tensor(out, shape, {.dtype = kInt64})};
}

/// The tiny model the example and the test train: 2 layers, d_model 32, 4 heads, d_ff 128 (4 × d_model).
inline nn::DecoderOnlyConfig tiny_config(std::int64_t vocab) {
  return {.vocab = vocab,
          .layer = {.d_model = 32, .heads = 4, .d_ff = 128, .dropout = 0.0},
          .layers = 2,
          .max_len = 32,
          .pad_id = translator::Vocab::pad_id};
}

struct TrainConfig {
  std::int64_t steps = 300;
  std::size_t batch = 32;
  double peak_lr = 3e-3;
  std::int64_t warmup = 30;
};

/// Trains `model` on `corpus` and returns the loss of every step ("nats per token").
// [doc:gpt-training]
inline std::vector<double> train(nn::DecoderOnly& model, const Corpus& corpus, const TrainConfig& c) {
  optim::Adam adam(model.parameters(), optim::kPaperAdam);
  const optim::CosineSchedule schedule(
      {.peak_lr = c.peak_lr, .warmup_steps = c.warmup, .total_steps = c.steps, .final_lr = c.peak_lr / 20});
  std::vector<double> losses;
  for (std::int64_t step = 0; step < c.steps; ++step) {
    const Batch batch = make_batch(corpus.sentences, static_cast<std::size_t>(step) * c.batch, c.batch);
    adam.set_lr(schedule.lr(step + 1));
    Tensor loss = nn::cross_entropy(model(batch.inputs), batch.targets, translator::Vocab::pad_id);
    model.zero_grad();
    loss.backward();
    optim::clip_grad_norm(model.parameters(), 1.0);
    adam.step();
    losses.push_back(loss.item());
  }
  return losses;
}
// [doc:end]

/// Samples one sentence after <s> and returns its words (without <s> and </s>).
inline std::vector<std::string> sample_sentence(const nn::DecoderOnly& model, const translator::Vocab& vocab,
                                                const nn::SamplingConfig& config, Generator& gen) {
  const std::vector<int> ids = nn::generate(model, {translator::Vocab::bos_id}, translator::Vocab::eos_id,
                                            model.config().max_len, config, gen);
  return vocab.decode(ids);
}

}  // namespace sf::ch15
