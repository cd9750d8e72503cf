// Tests for examples/pictures/ and nn::ShapeRecording: each picture of the course is drawn here from
// a small model and checked by what it shows (shapes, labels, cells, colours), not only that it exists.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "examples/pictures/attention_pictures.hpp"
#include "examples/pictures/decoding_picture.hpp"
#include "examples/pictures/matrices.hpp"
#include "examples/pictures/model_figure.hpp"
#include "svg_checks.hpp"
#include "tiny_run.hpp"

using namespace sf;

namespace {

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

translator::Vocabularies toy_vocabularies() {
  return translator::build_vocabularies({{"the cat eats the red apple .", "le chat mange la pomme rouge ."},
                                         {"a dog sleeps .", "un chien dort ."}},
                                        1);
}

std::unique_ptr<nn::Transformer> toy_model(const translator::Vocabularies& v, std::uint64_t seed) {
  Generator gen(seed);
  nn::TransformerConfig c = nn::TransformerConfig::small(v.source.size(), v.target.size());
  c.layer = {.d_model = 16, .heads = 2, .d_ff = 32, .dropout = 0.0};
  c.max_len = 10;
  auto model = std::make_unique<nn::Transformer>(c, gen);
  model->eval();
  return model;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

nn::TransformerConfig small_config() {
  nn::TransformerConfig c = nn::TransformerConfig::small(50, 60);
  c.layer.dropout = 0.0;
  return c;
}

}  // namespace

TEST_SUITE("ch10-encoder") {
  TEST_CASE("shape recording: off by default, one recording at a time, the shapes of a real forward pass") {
    nn::Transformer model(small_config());
    model.eval();
    NoGradGuard no_grad;
    const Tensor src = tensor({1, 5, 6, 2}, {1, 4}, {.dtype = kInt64});
    const Tensor tgt = tensor({1, 7, 8}, {1, 3}, {.dtype = kInt64});
    model(src, tgt);  // nothing is recorded, and nothing fails
    nn::ShapeRecording recording;
    CHECK_THROWS_WITH_AS(nn::ShapeRecording{},
                         "ShapeRecording: a recording is already running on this thread", ValueError);
    model(src, tgt);
    std::size_t q = 0, embeddings = 0;
    for (const nn::RecordedShape& r : recording.shapes()) {
      if (r.module == &model.encoder.layers[0].self_attn && r.what == "Q") {
        ++q;
        CHECK(r.shape == Shape{1, 4, 4, 32});  // [B, h, S, d_k]
      }
      if (r.module == &model.source_embedding || r.module == &model.target_embedding) ++embeddings;
      if (r.module == &model.output_projection) CHECK(r.shape == Shape{1, 3, 60});
    }
    CHECK(q == 1);
    CHECK(embeddings == 2);
  }

  TEST_CASE("pictures: the whole-model figure shows the shapes a forward pass recorded") {
    nn::Transformer model(small_config());
    model.eval();
    const std::string svg =
        pictures::model_figure_svg(model, {.batch = 3, .source_len = 5, .target_len = 4, .title = "toy"});
    CHECK(svg_checks::problems(svg) == "");
    CHECK(has(svg, ">source token ids<"));
    CHECK(has(svg, ">input: [3, 5]<"));
    CHECK(has(svg, ">input embedding · √d_model<"));
    CHECK(has(svg, ">Q, K, V split into heads: [3, 4, 5, 32]<"));  // encoder: [B, h, S, d_k]
    CHECK(has(svg, ">weights softmax(QKᵀ/√d_k): [3, 4, 5, 5]<"));
    CHECK(has(svg, ">weights (future masked): [3, 4, 4, 4]<"));   // decoder self-attention: T × T
    CHECK(has(svg, ">Q: [3, 4, 4, 32],  K, V: [3, 4, 5, 32]<"));  // cross-attention: K, V from the source
    CHECK(has(svg, ">weights: [3, 4, 4, 5]<"));                   // T × S
    CHECK(has(svg, ">linear1, ReLU: [3, 5, 512]<"));
    CHECK(has(svg, ">logits: [3, 4, 60]<"));
    CHECK(has(svg, ">× 2<"));  // layers per stack
    CHECK(has(svg, ">memory [3, 5, 128]<"));
    for (const char* colour : {"#fbd5d9", "#fde2b8", "#f6f2b8", "#cde6f7", "#e2d8f3", "#d3edcc"})
      CHECK(has(svg, colour));  // the paper's colours: embedding, attention, norm, FFN, linear, softmax
  }
}

TEST_SUITE("ch06-multi-head-attention") {
  TEST_CASE("pictures: the head split, right and wrong, and the merge back") {
    const std::string svg = pictures::head_split_svg();
    CHECK(svg_checks::problems(svg) == "");
    // x, the right split, the wrong view and the merge: 4 × 32 cells, each labelled with its feature.
    CHECK(count(svg, ">f0<") == 16);
    CHECK(count(svg, ">f7<") == 16);
    for (const char* colour : {"#f4a6a6", "#a6d4f4", "#b8e6a0", "#f7d58b"})  // one colour per token
      CHECK(count(svg, std::string("fill=\"") + colour + "\"") == 32);
    CHECK(has(svg, "right: view([1, 4, 2, 4]).transpose(1, 2) → [1, 2, 4, 4]: each row is still one token"));
    CHECK(has(svg, "wrong: view([1, 2, 4, 4]) → [1, 2, 4, 4]: rows mix two tokens"));
    CHECK(has(svg, "→ [1, 4, 8], equal to x<"));
    CHECK(count(svg, ">head 1<") == 2);
  }
}

TEST_SUITE("ch05-attention") {
  TEST_CASE("pictures: Q, Kᵀ, the scores, the weights, V and the output with lecture 003's numbers") {
    const std::string svg = pictures::qkv_scores_svg();
    CHECK(svg_checks::problems(svg) == "");
    for (const char* name : {">Q<", ">Kᵀ<", ">scores Q·Kᵀ<", ">weights<", ">V<", ">output<"})
      CHECK(has(svg, name));
    CHECK(count(svg, ">[3, 3]<") == 6);
    CHECK(has(svg, ">16<"));    // scores: token 2 against token 2 (lecture 003)
    CHECK(has(svg, ">0.91<"));  // softmax((4, 16, 12) / √3) = (0, 0.91, 0.09)
    CHECK(has(svg, ">0.09<"));
    CHECK(has(svg, ">6.32<"));  // output row 1: 0.14·(1,2,3) + 0.43·(2,8,0) + 0.43·(2,6,3)
  }
}

TEST_SUITE("ch13-translator") {
  TEST_CASE("pictures: the traced beam search returns what beam_search returns") {
    const translator::Vocabularies v = toy_vocabularies();
    NoGradGuard no_grad;
    for (std::uint64_t seed : {1, 2, 3, 4}) {
      auto model = toy_model(v, seed);
      const Tensor src = tensor({1, 5, 6, 7, 2}, {1, 5}, {.dtype = kInt64});
      for (std::int64_t width : {1, 3}) {
        const translator::BeamConfig config{.width = width, .max_len = 9};
        const pictures::BeamTrace trace = pictures::traced_beam_search(*model, src, config);
        CHECK(trace.result == translator::beam_search(*model, src, config));
        for (const auto& step : trace.steps) {
          CHECK(step.size() <= static_cast<std::size_t>(2 * width));
          std::size_t kept = 0;
          for (const auto& c : step) kept += c.fate == pictures::BeamCandidate::Fate::kept;
          CHECK(kept <= static_cast<std::size_t>(width));
          for (std::size_t i = 1; i < step.size(); ++i) CHECK(step[i - 1].log_prob >= step[i].log_prob);
        }
      }
      Generator gen(5);
      CHECK(pictures::sample_decode(*model, src, 1.0, 1, 9, gen) ==
            translator::greedy_decode(*model, src, 9)[0]);
      const auto top3 = pictures::first_step_distribution(*model, src, 2.0, 3);
      REQUIRE(top3.size() == 3);
      CHECK(top3[0].second + top3[1].second + top3[2].second == doctest::Approx(1.0));
    }
  }

  TEST_CASE("pictures: decoding step by step shows greedy, the beams with their fates, and sampling") {
    const translator::Vocabularies v = toy_vocabularies();
    auto model = toy_model(v, 2);
    const std::string svg = pictures::decoding_svg(*model, translator::Tokeniser(v), "the cat sleeps .",
                                                   {.width = 2, .max_len = 9});
    CHECK(svg_checks::problems(svg) == "");
    CHECK(has(svg, ">Decoding &quot;the cat sleeps .&quot; step by step<"));
    CHECK(has(svg, ">greedy: "));
    CHECK(has(svg, ">beam search (width 2, α = 0.6): "));
    CHECK(has(svg, ">step 1<"));
    CHECK(count(svg, "fill=\"#c7e9c0\"") >= 2);    // kept beams (two at step 1)
    CHECK(count(svg, "stroke=\"#c0392b\"") >= 1);  // greedy's path
    for (const char* s :
         {">temperature 0.5<", ">temperature 1.0<", ">temperature 2.0<", ">temperature 1.0, top-k 3<"})
      CHECK(has(svg, s));
    CHECK(count(svg, ">sampled:<") == 4);
  }
}

TEST_SUITE("ch13-translator") {
  TEST_CASE("pictures: every layer × head of the three kinds of attention, the decoder's with its triangle") {
    const translator::Vocabularies v = toy_vocabularies();
    auto model = toy_model(v, 3);
    const translator::AttentionMaps maps = translator::attention_maps(
        *model, translator::Tokeniser(v), "the cat eats the red apple .", "le chat mange la pomme rouge .");
    const std::vector<std::string> target{"<s>", "le", "chat", "mange", "la", "pomme", "rouge", "."};
    CHECK(maps.kinds[1].queries == target);  // teacher-forced: the reference, not the greedy output
    for (const translator::AttentionKind& kind : maps.kinds) {
      const std::string svg = pictures::attention_grid_svg(kind, "toy");
      CHECK(svg_checks::problems(svg) == "");
      CHECK(has(svg, ">" + kind.name + ": rows are queries, columns keys; 2 layers × 2 heads<"));
      CHECK(has(svg, ">layer 2<"));
      CHECK(has(svg, ">head 2<"));
      // The document's and the picture's backgrounds, one cell per weight, the colour bar.
      CHECK(count(svg, "<rect") == 3 + 4 * kind.queries.size() * kind.keys.size());
      CHECK(count(svg, ">" + kind.queries[1] + "<") >= 1);
    }
    // The decoder's triangle: the future cells (8·7/2 per map, 4 maps) are weight 0, the darkest colour.
    CHECK(count(pictures::attention_grid_svg(maps.kinds[1], "toy"), "fill=\"#440154\"") >= 4 * 28);
  }

  TEST_CASE("pictures: one head's attention at a few steps of a short training run") {
    translator::RunConfig c = translator_tests::tiny_run(/*eval_every=*/6);  // (this loop never validates)
    c.train_size = 500;
    c.lr = 5e-3;
    const translator::SentencePair pair{"the cat eats the red apple .", "le chat mange la pomme rouge ."};
    const pictures::Snapshots s = pictures::attention_during_training(c, pair, {0, 3, 6}, 0, 1);
    REQUIRE(s.snapshots.size() == 3);
    CHECK(s.snapshots[0].loss == 0);
    CHECK(s.snapshots[2].loss > 0);
    CHECK(s.snapshots[0].weights != s.snapshots[2].weights);  // training changed the head
    const std::string svg = pictures::attention_snapshots_svg(s, "toy");
    CHECK(svg_checks::problems(svg) == "");
    for (const char* label : {">step 0<", ">step 3<", ">step 6<", ">untrained<"}) CHECK(has(svg, label));
    CHECK(count(svg, ">loss ") == 2);
    CHECK(count(svg, "<rect") == 3 + 3 * s.queries.size() * s.keys.size());
  }
}
