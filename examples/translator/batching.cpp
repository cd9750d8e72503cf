// batching.cpp: encoding, padding and bucketing sentence pairs.
#include "examples/translator/batching.hpp"

#include <algorithm>
#include <numeric>

#include "core/error.hpp"

namespace sf::translator {

std::vector<EncodedPair> encode_pairs(const std::vector<SentencePair>& pairs, const Tokeniser& tokeniser,
                                      std::int64_t max_len, std::int64_t* dropped) {
  std::vector<EncodedPair> out;
  std::int64_t skipped = 0;
  for (const SentencePair& p : pairs) {
    EncodedPair e{tokeniser.encode_source(p.source), tokeniser.encode_target(p.target)};
    if (static_cast<std::int64_t>(e.source.size()) > max_len ||
        static_cast<std::int64_t>(e.target.size()) > max_len) {
      ++skipped;
      continue;
    }
    out.push_back(std::move(e));
  }
  if (dropped) *dropped = skipped;
  return out;
}

// [doc:collate]
Batch collate(const std::vector<const EncodedPair*>& pairs) {
  if (pairs.empty()) fail<ValueError>("collate: an empty batch");
  std::size_t S = 0, T = 0;
  for (const EncodedPair* p : pairs) {
    S = std::max(S, p->source.size());
    T = std::max(T, p->target.size() - 1);  // target_in and target_out are one shorter than the target
  }
  const auto B = static_cast<std::int64_t>(pairs.size());
  std::vector<double> src(static_cast<std::size_t>(B) * S, Vocab::pad_id),
      in(static_cast<std::size_t>(B) * T, Vocab::pad_id), out(static_cast<std::size_t>(B) * T, Vocab::pad_id);
  Batch batch;
  for (std::size_t b = 0; b < pairs.size(); ++b) {
    const auto& s = pairs[b]->source;
    const auto& t = pairs[b]->target;  // <s> y1 … ym </s>
    std::copy(s.begin(), s.end(), src.begin() + static_cast<std::ptrdiff_t>(b * S));
    std::copy(t.begin(), t.end() - 1, in.begin() + static_cast<std::ptrdiff_t>(b * T));   // <s> y1 … ym
    std::copy(t.begin() + 1, t.end(), out.begin() + static_cast<std::ptrdiff_t>(b * T));  // y1 … ym </s>
    batch.target_tokens += static_cast<std::int64_t>(t.size()) - 1;
  }
  batch.source = tensor(src, {B, static_cast<std::int64_t>(S)}, {.dtype = kInt64});
  batch.target_in = tensor(in, {B, static_cast<std::int64_t>(T)}, {.dtype = kInt64});
  batch.target_out = tensor(out, {B, static_cast<std::int64_t>(T)}, {.dtype = kInt64});
  return batch;
}
// [doc:end]

std::int64_t padded_tokens(const std::vector<const EncodedPair*>& pairs) {
  std::size_t longest = 0;
  for (const EncodedPair* p : pairs) longest = std::max({longest, p->source.size(), p->target.size() - 1});
  return static_cast<std::int64_t>(pairs.size() * longest);
}

std::vector<Batch> make_batches(const std::vector<EncodedPair>& pairs, const BatchingConfig& config,
                                Generator& gen) {
  if (config.max_tokens < 0)
    fail<ValueError>("make_batches: max_tokens must be 0 (off) or positive, got ", config.max_tokens);
  if (config.max_tokens == 0 && config.batch_size <= 0)
    fail<ValueError>("make_batches: batch_size must be positive, got ", config.batch_size);
  std::vector<std::size_t> order(pairs.size());
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t i = order.size(); i > 1; --i)  // Fisher-Yates with our own generator
    std::swap(order[i - 1], order[static_cast<std::size_t>(gen.randint(0, static_cast<std::int64_t>(i)))]);
  if (config.bucket)  // stable: sentences of equal length keep their shuffled order
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::pair(pairs[a].target.size(), pairs[a].source.size()) <
             std::pair(pairs[b].target.size(), pairs[b].source.size());
    });
  std::vector<Batch> batches;
  std::vector<const EncodedPair*> group;
  std::size_t longest = 0;  // the group's longest padded side
  for (std::size_t i : order) {
    const EncodedPair& next = pairs[i];
    const std::size_t side = std::max(next.source.size(), next.target.size() - 1);
    const bool fits =
        group.empty() ||
        (config.max_tokens > 0
             ? static_cast<std::int64_t>((group.size() + 1) * std::max(longest, side)) <= config.max_tokens
             : static_cast<std::int64_t>(group.size()) < config.batch_size);
    if (!fits) {
      batches.push_back(collate(group));
      group.clear();
      longest = 0;
    }
    group.push_back(&next);
    longest = std::max(longest, side);
  }
  if (!group.empty()) batches.push_back(collate(group));
  for (std::size_t i = batches.size(); i > 1; --i)
    std::swap(batches[i - 1],
              batches[static_cast<std::size_t>(gen.randint(0, static_cast<std::int64_t>(i)))]);
  return batches;
}

}  // namespace sf::translator
