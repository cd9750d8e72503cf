// Tests for nn/embedding.cpp.
#include "nn/nn.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::nn;
using sf::test::check_values;
using sf::test::Inputs;

TEST_SUITE("ch07-positional-encoding") {
  TEST_CASE("Embedding looks up rows; the padding row starts at zero and gets no gradient") {
    Generator gen(1);
    Embedding emb({.num_embeddings = 5, .embedding_dim = 3, .padding_idx = 0, .dtype = kFloat64}, gen);
    check_values(emb.weight[0], {0, 0, 0});
    Tensor ids = tensor({0, 2, 2, 4}, {2, 2}, {.dtype = kInt64});
    Tensor x = emb(ids);
    CHECK(x.shape() == Shape{2, 2, 3});
    check_values(x[0][1], emb.weight[2].to_vector<double>());
    sum(x).backward();
    check_values(emb.weight.grad().select(0, 0), {0, 0, 0});
    check_values(emb.weight.grad().select(0, 2), {2, 2, 2});  // token 2 appears twice
  }

  TEST_CASE("gradcheck: Embedding with respect to its table") {
    Embedding emb({.num_embeddings = 6, .embedding_dim = 2, .dtype = kFloat64});
    Tensor ids = tensor({5, 1, 1, 3, 0}, {.dtype = kInt64});
    CHECK_GRADCHECK([&](const Inputs&) { return emb(ids); }, {emb.weight}, {.name = "Embedding"});
  }

  TEST_CASE("Embedding errors") {
    Embedding emb({.num_embeddings = 4, .embedding_dim = 2});
    CHECK_THROWS_WITH_AS(emb(tensor({4}, {.dtype = kInt64})),
                         "embedding: token id 4 is out of range for a table of 4 rows (shape [4, 2])",
                         IndexError);
    CHECK_THROWS_WITH_AS(Embedding({.num_embeddings = 4, .embedding_dim = 2, .padding_idx = 4}),
                         "Embedding: padding_idx 4 is not a row of a table of 4 rows (use -1 for none)",
                         ValueError);
  }
}
