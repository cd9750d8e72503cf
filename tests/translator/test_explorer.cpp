// Tests for examples/translator/explorer.cpp: the attention weights of one translation (every
// layer, head and kind, equal to what the model computes) and the explorer page that embeds them.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>

#include "core/autograd.hpp"
#include "examples/translator/explorer.hpp"

using namespace sf;
using namespace sf::translator;

namespace {

Vocabularies toy_vocabularies() {
  return build_vocabularies({{"the cat eats .", "le chat mange ."}, {"the dog sleeps .", "le chien dort ."}},
                            1);
}

std::unique_ptr<nn::Transformer> tiny_model(const Vocabularies& v) {
  Generator gen(21);
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

}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE("explorer: every layer's and head's weights of the three kinds, as the model computes them") {
    const Vocabularies v = toy_vocabularies();
    auto model = tiny_model(v);
    const AttentionMaps maps = attention_maps(*model, Tokeniser(v), "the cat sleeps .");
    REQUIRE(maps.kinds.size() == 3);
    CHECK(maps.kinds[0].name == "encoder self-attention");
    CHECK(maps.kinds[1].name == "decoder self-attention");
    CHECK(maps.kinds[2].name == "cross-attention");
    const std::vector<std::string> source{"<s>", "the", "cat", "sleeps", ".", "</s>"};
    CHECK(maps.kinds[0].queries == source);
    CHECK(maps.kinds[2].keys == source);
    CHECK(maps.kinds[1].queries.front() == "<s>");
    CHECK(maps.kinds[1].queries.size() == maps.kinds[2].queries.size());
    for (const AttentionKind& kind : maps.kinds) {
      REQUIRE(kind.weights.size() == 2);  // layers
      for (const auto& layer : kind.weights) {
        REQUIRE(layer.size() == 2);  // heads
        for (const auto& head : layer) {
          REQUIRE(head.size() == kind.queries.size());
          for (std::size_t q = 0; q < head.size(); ++q) {
            REQUIRE(head[q].size() == kind.keys.size());
            double sum = 0;
            for (std::size_t k = 0; k < head[q].size(); ++k) {
              sum += head[q][k];
              if (&kind == &maps.kinds[1] && k > q) CHECK(head[q][k] == 0.0);  // the causal triangle
            }
            CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
          }
        }
      }
    }
    // The cross-attention equals what Transformer::decode reports for the same target.
    NoGradGuard no_grad;
    std::vector<double> src_ids, tgt_ids;
    for (const std::string& w : source) src_ids.push_back(v.source.id(w));
    for (const std::string& w : maps.kinds[1].queries) tgt_ids.push_back(v.target.id(w));
    const Tensor src = tensor(src_ids, {1, static_cast<std::int64_t>(src_ids.size())}, {.dtype = kInt64});
    const Tensor tgt = tensor(tgt_ids, {1, static_cast<std::int64_t>(tgt_ids.size())}, {.dtype = kInt64});
    std::vector<Tensor> cross;
    model->decode(tgt, model->encode(src), src, &cross);
    REQUIRE(cross.size() == 2);
    const std::vector<double> expected = cross[1].to(kFloat64).contiguous().to_vector<double>();
    const auto& ours = maps.kinds[2].weights[1];
    for (std::size_t h = 0, i = 0; h < ours.size(); ++h)
      for (const auto& row : ours[h])
        for (double w : row) CHECK(w == doctest::Approx(expected[i++]).epsilon(1e-6));
  }

  TEST_CASE("explorer: one self-contained page with the weights embedded, the controls and the test hook") {
    AttentionMaps maps{"the <cat> & \"dog\"", "le chat", {}};
    maps.kinds.push_back({"cross-attention", {"<s>", "le"}, {"the", "cat"}, {{{{0.25, 0.75}, {1.0, 0.0}}}}});
    const std::string html = explorer_html(maps);
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.ends_with("</html>\n"));
    CHECK(count(html, "<script") == 2);
    CHECK(count(html, "</script>") == 2);
    CHECK(html.find("<svg id=\"view\"") != std::string::npos);
    for (const char* id : {"id=\"kind\"", "id=\"layer\"", "id=\"head\"", "id=\"status\""})
      CHECK(html.find(id) != std::string::npos);
    // The data: names and words as JSON, with < escaped so no word can close the script.
    CHECK(html.find("\"name\":\"cross-attention\"") != std::string::npos);
    CHECK(html.find("\"queries\":[\"\\u003cs\\u003e\",\"le\"]") != std::string::npos);
    CHECK(html.find("\"weights\":[[[[0.2500,0.7500],[1.0000,0.0000]]]]") != std::string::npos);
    CHECK(html.find("\"sentence\":\"the \\u003ccat\\u003e \\u0026 \\\"dog\\\"\"") != std::string::npos);
    CHECK(html.find("<title>Attention explorer: the &lt;cat&gt; &amp; &quot;dog&quot;</title>") !=
          std::string::npos);
    // Nothing is fetched: no external scripts, styles or images.
    CHECK(html.find("src=") == std::string::npos);
    CHECK(html.find("href=") == std::string::npos);
    CHECK(html.find("test-hover") != std::string::npos);  // the browser test's hook
  }
}
