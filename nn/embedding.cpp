// embedding.cpp: the Embedding module (the lookup itself is sf::embedding, core/ops/index.cpp).
#include "nn/embedding.hpp"

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/ops/index.hpp"

namespace sf::nn {

Embedding::Embedding(EmbeddingConfig config, Generator& gen) : config_(config) {
  if (config.num_embeddings <= 0 || config.embedding_dim <= 0)
    fail<ValueError>("Embedding: num_embeddings and embedding_dim must be positive, got ",
                     config.num_embeddings, " and ", config.embedding_dim);
  if (config.padding_idx < -1 || config.padding_idx >= config.num_embeddings)
    fail<ValueError>("Embedding: padding_idx ", config.padding_idx, " is not a row of a table of ",
                     config.num_embeddings, " rows (use -1 for none)");
  // [doc:embedding-init]
  // N(0, 1), as torch.nn.Embedding; the padding row starts (and stays) at zero.
  weight = randn({config.num_embeddings, config.embedding_dim}, gen, {.dtype = config.dtype});
  if (config.padding_idx >= 0) weight[config.padding_idx].zero_();
  register_parameter("weight", weight);
  // [doc:end]
}

Tensor Embedding::forward(const Tensor& ids) const {
  return recorded(embedding(weight, ids, config_.padding_idx));
}

}  // namespace sf::nn
