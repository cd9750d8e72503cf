// ch15_gpt.cpp: chapter 15's example. A decoder-only language model (the shape of GPT) built from
// the Transformer's blocks, trained on the toy grammar's English side, then sampled from with
// temperature and top-k. Everything is seeded: the output is the same on every run.
#include "examples/ch15_gpt.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

#include "core/autograd.hpp"
#include "examples/translator/tokenizer.hpp"

using namespace sf;

namespace {

std::string fixed(double x, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

}  // namespace

int main() {
  const ch15::TrainConfig train_config;  // 300 steps of 32 sentences
  const ch15::Corpus corpus =
      ch15::english_corpus(train_config.steps * static_cast<std::int64_t>(train_config.batch), 15);
  std::cout << "=== data ===\n"
            << corpus.sentences.size() << " English sentences of the toy grammar, " << corpus.vocab.size()
            << " tokens in the vocabulary (4 special)\n"
            << "first: " << translator::detokenize(corpus.vocab.decode(corpus.sentences[0])) << "\n";

  Generator gen(15);
  nn::DecoderOnly model(ch15::tiny_config(corpus.vocab.size()), gen);
  const std::int64_t V = corpus.vocab.size(), d = model.config().layer.d_model;
  const std::int64_t per_layer = model.blocks.layers[0].parameter_count();
  std::cout << "=== parameters ===\n"
            << "embedding " << V << " x " << d << " = " << V * d << " (shared with the output projection)\n"
            << "each block: attention 4 x (" << d << " x " << d << " + " << d << ") = " << 4 * (d * d + d)
            << ", feed-forward " << model.blocks.layers[0].feed_forward.parameter_count()
            << ", two LayerNorms " << 4 * d << " -> " << per_layer << "\n"
            << "output bias " << V << "\n"
            << "total " << model.parameter_count() << " = " << V * d << " + " << model.config().layers
            << " x " << per_layer << " + " << V << "\n";

  std::cout << "=== training ===\n";
  std::cout << "a uniform guess costs ln " << V << " = " << fixed(std::log(static_cast<double>(V)), 3)
            << " nats per token\n";
  const std::vector<double> losses = ch15::train(model, corpus, train_config);
  for (std::size_t step : {1, 50, 100, 200, 300})
    std::cout << "step " << step << ": loss " << fixed(losses[step - 1], 3) << "\n";

  model.eval();
  std::cout << "=== sampling ===\n";
  // [doc:gpt-sampling]
  const struct {
    const char* name;
    nn::SamplingConfig config;
  } settings[] = {{"temperature 0.5", {.temperature = 0.5}},
                  {"temperature 1.0", {.temperature = 1.0}},
                  {"temperature 1.0, top-k 3", {.temperature = 1.0, .top_k = 3}},
                  {"temperature 2.0", {.temperature = 2.0}}};
  for (const auto& s : settings) {
    Generator sampler(2017);  // the same seed for every setting: only the setting differs
    std::cout << s.name << ":\n";
    for (int i = 0; i < 3; ++i)
      std::cout << "  "
                << translator::detokenize(ch15::sample_sentence(model, corpus.vocab, s.config, sampler))
                << "\n";
  }
  // [doc:end]
}
