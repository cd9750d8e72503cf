// embedding.hpp: Embedding, a table of learned vectors, one row per token id.
//
// The paper learns its embeddings (§3.4); they are not word2vec vectors, whatever lecture 001 says.
// Looking up row i is the same as multiplying a one-hot vector by the table, only without the
// zeros, so the gradient of a row is the sum of the output gradients of the positions holding
// that token.
#pragma once

#include "core/random.hpp"
#include "core/tensor.hpp"
#include "nn/module.hpp"

namespace sf::nn {

struct EmbeddingConfig {
  std::int64_t num_embeddings = 0;  // vocabulary size V
  std::int64_t embedding_dim = 0;   // D
  std::int64_t padding_idx = -1;    // a row that stays zero and gets no gradient (-1: none)
  DType dtype = kFloat32;
};

/// Embedding emb({.num_embeddings = 1000, .embedding_dim = 128, .padding_idx = 0});
/// Tensor x = emb(ids);  // ids [B, L] int64 → x [B, L, 128]
class Embedding : public Module {
 public:
  explicit Embedding(EmbeddingConfig config, Generator& gen = default_generator());
  Tensor forward(const Tensor& ids) const;
  Tensor operator()(const Tensor& ids) const { return forward(ids); }
  const EmbeddingConfig& config() const { return config_; }

  Tensor weight;  // [num_embeddings, embedding_dim]

 private:
  EmbeddingConfig config_;
};

}  // namespace sf::nn
