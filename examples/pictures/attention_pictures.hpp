// attention_pictures.hpp: trained attention as The Annotated Transformer shows it, and attention
// while a model learns.
//
//   attention_grid_svg()       every layer × head of one kind of attention (encoder self-attention,
//                              decoder self-attention with its causal triangle, cross-attention) for
//                              one sentence of a trained run
//   attention_during_training() trains a model from scratch and takes one head's cross-attention at a
//                              few steps; attention_snapshots_svg() draws them side by side, showing
//                              when the weights stop being uniform and start to align words
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "examples/translator/explorer.hpp"
#include "examples/translator/run_config.hpp"

namespace sf::pictures {

/// Every layer (rows) and head (columns) of `kind`, weights from 0 (dark) to 1 (yellow).
std::string attention_grid_svg(const translator::AttentionKind& kind, const std::string& title);

struct AttentionSnapshot {
  std::int64_t step = 0;
  double loss = 0;  // the training loss of the step's batch (0 before the first step)
  std::vector<std::vector<double>> weights;  // [query][key]
};

struct Snapshots {
  std::vector<std::string> queries, keys;
  std::vector<AttentionSnapshot> snapshots;
};

/// Trains a model as `config` says (from scratch, toy grammar or its data) and takes the
/// cross-attention of decoder layer `layer`, head `head` (from 0) on `pair` (teacher-forced with
/// its reference translation) before each step in `steps` (0 = untrained).
Snapshots attention_during_training(const translator::RunConfig& config, const translator::SentencePair& pair,
                                    const std::vector<std::int64_t>& steps, std::size_t layer,
                                    std::size_t head);

std::string attention_snapshots_svg(const Snapshots& snapshots, const std::string& title);

}  // namespace sf::pictures
