// Tests for examples/pictures/ and nn::ShapeRecording: each picture of the course is drawn here from
// a small model and checked by what it shows (shapes, labels, cells, colours), not only that it exists.
#include <doctest/doctest.h>

#include <string>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "examples/pictures/matrices.hpp"
#include "examples/pictures/model_figure.hpp"
#include "svg_checks.hpp"

using namespace sf;

namespace {

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

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
