// Tests for nn/transformer.cpp: PyTorch's names and numbers, tied weights, the paper's parameter
// counts, incremental generation equal to full decoding, and the whole model's gradients.
#include "fixture.hpp"
#include "nn/nn.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::test::check_values;
using sf::test::Inputs;

namespace {

/// The tiny model of tests/fixtures/make_transformer_fixture.py (torch.nn.Transformer inside).
TransformerConfig fixture_config() {
  return {.source_vocab = 11,
          .target_vocab = 13,
          .layer = {.d_model = 8, .heads = 2, .d_ff = 16, .dropout = 0.0, .dtype = kFloat64},
          .encoder_layers = 2,
          .decoder_layers = 2,
          .final_norm = true,
          .max_len = 16,
          .pad_id = 0};
}

StateDict fixture_weights(const std::map<std::string, Tensor>& fx) {
  StateDict weights;
  for (const auto& [name, t] : fx)
    if (name.find('.') != std::string::npos && name.rfind("grad.", 0) != 0) weights[name] = t;
  return weights;
}

Tensor ids(const Tensor& t) { return t.to(kInt64); }

}  // namespace

TEST_SUITE("ch11-decoder") {
  TEST_CASE("the same names, logits, loss and gradients as a torch.nn.Transformer with the same weights") {
    const auto fx = sf::test::load_fixture(SF_SOURCE_DIR "/tests/fixtures/transformer.txt");
    Transformer model(fixture_config());
    model.load_state_dict(fixture_weights(fx));  // every name must match, or this throws
    const Tensor source = ids(fx.at("source")), target_in = ids(fx.at("target_in"));
    Tensor logits = model(source, target_in);
    check_values(logits, fx.at("logits").to_vector<double>(), 1e-10);
    Tensor loss = cross_entropy(logits, ids(fx.at("targets")), /*ignore_index=*/0, /*label_smoothing=*/0.1);
    CHECK(loss.item() == doctest::Approx(fx.at("loss").item()).epsilon(1e-12));
    loss.backward();
    for (const auto& [name, p] : model.named_parameters())
      check_values(p.grad(), fx.at("grad." + name).to_vector<double>(), 1e-10);
  }

  TEST_CASE("tied weights: the output projection is the target embedding, listed once") {
    Transformer model(fixture_config());
    CHECK(model.output_projection.weight.is_same(model.target_embedding.weight));
    int count = 0;
    for (const auto& [name, p] : model.named_parameters()) count += p.is_same(model.target_embedding.weight);
    CHECK(count == 1);
    model.to(kFloat32);  // converting keeps them tied
    CHECK(model.output_projection.weight.is_same(model.target_embedding.weight));
  }

  // Counting needs no sanitizer, and drawing the base model's 63M weights at random is slow under them:
  // Release only (kSanitizerBuild skips it; the small models run the same constructors there).
  TEST_CASE("the base model: 44,138,496 parameters in its 6 + 6 layers" *
            doctest::skip(sf::test::kSanitizerBuild)) {
    Transformer model(TransformerConfig::base(37000, 37000));
    const std::int64_t embeddings = 2 * 37000 * 512, projection_bias = 37000;
    CHECK(model.parameter_count() - embeddings - projection_bias == 44138496);
    // With the paper's joint vocabulary, one shared 37k × 512 table: 44,138,496 + 18,944,000 ≈ 63M
    // (the paper says 65M). Sharing removes exactly one table, shown here on a small model:
    TransformerConfig shared = fixture_config();
    shared.source_vocab = shared.target_vocab = 50;
    const std::int64_t separate = Transformer(shared).parameter_count();
    shared.share_embeddings = true;
    CHECK(separate - Transformer(shared).parameter_count() == 50 * 8);
  }

  TEST_CASE("generation with the key/value cache gives the logits of running the whole prefix") {
    Generator gen(3);
    TransformerConfig c = TransformerConfig::small(20, 24);
    c.layer.dropout = 0.0;
    Transformer model(c, gen);
    model.eval();
    NoGradGuard no_grad;
    const Tensor source = tensor({5, 9, 3, 7, 2, 11, 4, 0, 0}, {1, 9}, {.dtype = kInt64});
    const Tensor target = tensor({1, 8, 3, 17, 5, 12}, {1, 6}, {.dtype = kInt64});
    const Tensor full = model(source, target);  // [1, 6, 24]
    GenerationState state = model.start_generation(source, 10);
    for (std::int64_t t = 0; t < 6; ++t) {
      const Tensor step = model.generation_step(state, target.narrow(1, t, 1));
      check_values(step[0][0], full[0][t].to_vector<double>(), 1e-5);
    }
    // Feeding several tokens at once uses the same cache arithmetic.
    GenerationState chunked = model.start_generation(source, 10);
    model.generation_step(chunked, target.narrow(1, 0, 2));
    check_values(model.generation_step(chunked, target.narrow(1, 2, 4))[0][3], full[0][5].to_vector<double>(),
                 1e-5);
  }

  TEST_CASE("select_rows follows beams: reordered state gives the reordered logits") {
    Generator gen(4);
    TransformerConfig c = TransformerConfig::small(12, 12);
    c.layer.dropout = 0.0;
    Transformer model(c, gen);
    NoGradGuard no_grad;
    const Tensor source = tensor({3, 4, 5, 6, 7, 8}, {2, 3}, {.dtype = kInt64});
    GenerationState state = model.start_generation(source, 4);
    model.generation_step(state, tensor({1, 1}, {2, 1}, {.dtype = kInt64}));
    GenerationState copy = state;
    state.select_rows(tensor({1, 1, 0}, {.dtype = kInt64}));  // three beams: two from row 1, one from row 0
    const Tensor next = tensor({9, 10, 11}, {3, 1}, {.dtype = kInt64});
    const Tensor logits = model.generation_step(state, next);
    copy.select_rows(tensor({0}, {.dtype = kInt64}));
    check_values(logits[2],
                 model.generation_step(copy, tensor({11}, {1, 1}, {.dtype = kInt64}))[0].to_vector<double>(),
                 1e-6);
  }

  TEST_CASE("generation is refused with grad mode on, and beyond its capacity") {
    Transformer model(fixture_config());
    const Tensor source = tensor({3, 4}, {1, 2}, {.dtype = kInt64});
    CHECK_THROWS_AS(model.start_generation(source, 4), AutogradError);
    NoGradGuard no_grad;
    GenerationState state = model.start_generation(source, 1);
    model.generation_step(state, tensor({1}, {1, 1}, {.dtype = kInt64}));
    CHECK_THROWS_WITH_AS(
        model.generation_step(state, tensor({1}, {1, 1}, {.dtype = kInt64})),
        "MultiHeadAttention::forward_step: the cache holds 1 rows and 1 positions, but 1 rows and 2 "
        "positions are needed",
        ValueError);
  }

  TEST_CASE("gradcheck: a whole tiny Transformer's loss with respect to every parameter") {
    TransformerConfig c = fixture_config();
    c.layer.d_model = 4;
    c.layer.d_ff = 6;
    c.encoder_layers = c.decoder_layers = 1;
    c.source_vocab = 5;
    c.target_vocab = 6;
    Generator gen(5);
    Transformer model(c, gen);
    const Tensor source = tensor({1, 3, 4, 2, 0, 0}, {2, 3}, {.dtype = kInt64});
    const Tensor target_in = tensor({1, 5, 2, 1, 3, 0}, {2, 3}, {.dtype = kInt64});
    const Tensor target_out = tensor({5, 2, 3, 3, 4, 0}, {2, 3}, {.dtype = kInt64});
    Inputs params = model.parameters();
    CHECK_GRADCHECK(
        [&](const Inputs&) { return cross_entropy(model(source, target_in), target_out, 0, 0.1); }, params,
        {.name = "Transformer loss"});
  }

  TEST_CASE("Transformer configuration errors") {
    TransformerConfig c = fixture_config();
    c.share_embeddings = true;
    CHECK_THROWS_WITH_AS(Transformer{c},
                         "Transformer: share_embeddings needs one vocabulary, got sizes 11 and 13",
                         ValueError);
    c = fixture_config();
    c.source_vocab = 0;
    CHECK_THROWS_AS(Transformer{c}, ValueError);
  }
}
