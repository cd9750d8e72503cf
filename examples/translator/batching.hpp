// batching.hpp: turning sentence pairs into padded tensors for teacher forcing.
//
// Each pair becomes ids: source = <s> w1 … wn </s>, target = <s> y1 … ym </s>. The decoder is fed
// the target shifted right (target_in = <s> y1 … ym) and must predict it shifted left
// (target_out = y1 … ym </s>): at position t it sees y1 … y(t-1) and answers y_t, for every t at
// once. Sentences are grouped by length ("buckets") so that little of each batch is padding.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "core/tensor.hpp"
#include "examples/translator/sentence_pair.hpp"
#include "examples/translator/tokeniser.hpp"
#include "examples/translator/vocab.hpp"

namespace sf::translator {

/// One pair as ids, each side framed by <s> and </s>.
struct EncodedPair {
  std::vector<int> source;
  std::vector<int> target;
};

/// Tokenises and encodes pairs; pairs whose source or target (with <s> and </s>) is longer than
/// max_len are left out (their number is returned in `dropped`).
std::vector<EncodedPair> encode_pairs(const std::vector<SentencePair>& pairs, const Tokeniser& tokeniser,
                                      std::int64_t max_len, std::int64_t* dropped = nullptr);

/// A padded batch. Padding is Vocab::pad_id (0), which the model masks and the loss ignores.
struct Batch {
  Tensor source;                   // [B, S] int64
  Tensor target_in;                // [B, T] int64: <s> y1 … ym, padded
  Tensor target_out;               // [B, T] int64: y1 … ym </s>, padded
  std::int64_t target_tokens = 0;  // real (non-padding) tokens of target_out
};

/// Pads the given pairs into one batch.
Batch collate(const std::vector<const EncodedPair*>& pairs);

struct BatchingConfig {
  std::int64_t batch_size = 64;  // sentences per batch (when max_tokens is 0)
  std::int64_t max_tokens = 0;   // or: batches by size, pairs × longest padded side ≤ max_tokens (0 = off)
  bool bucket = true;            // group sentences of similar length
};

/// The padded size of a batch: its pairs times its longest padded side, the source's S or the
/// decoder's T (the target without one of <s> and </s>), as collate() pads them.
std::int64_t padded_tokens(const std::vector<const EncodedPair*>& pairs);

/// One epoch of batches in a seeded random order: shuffle, sort by length into buckets (when
/// bucketing), cut into batches, shuffle the batches. Cutting by tokens (max_tokens > 0) takes pairs
/// in that order while the batch's padded_tokens stays within max_tokens; a pair that is alone over the
/// budget is a batch of its own, so every pair is in exactly one batch of the epoch.
std::vector<Batch> make_batches(const std::vector<EncodedPair>& pairs, const BatchingConfig& config,
                                Generator& gen);

}  // namespace sf::translator
