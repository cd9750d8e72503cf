// evaluation.cpp: loss, exact match and BLEU on held-out pairs.
#include "examples/translator/evaluation.hpp"

#include <algorithm>

#include "core/autograd.hpp"
#include "examples/translator/batching.hpp"
#include "examples/translator/decoding.hpp"
#include "examples/translator/tokenizer.hpp"
#include "nn/loss.hpp"

namespace sf::translator {
namespace {

std::vector<std::string> words(const Vocab& vocab, const std::vector<int>& ids) {
  std::vector<std::string> out;
  for (int id : ids) out.push_back(vocab.token(id));
  return out;
}

std::vector<std::vector<int>> translate_ids(const nn::Transformer& model, const std::vector<const EncodedPair*>& group,
                                            const EvalOptions& o) {
  if (o.beam <= 1) return greedy_decode(model, collate(group).source, o.max_len);
  std::vector<std::vector<int>> out;
  for (const EncodedPair* p : group)
    out.push_back(beam_search(model, collate({p}).source,
                              {.width = o.beam, .length_penalty = o.length_penalty, .max_len = o.max_len}));
  return out;
}

}  // namespace

EvalResult evaluate(const nn::Transformer& model, const std::vector<SentencePair>& pairs, const Vocabularies& vocabs,
                    const EvalOptions& o) {
  NoGradGuard no_grad;
  EvalResult r;
  const std::vector<EncodedPair> encoded = encode_pairs(pairs, vocabs.source, vocabs.target, model.config().max_len);
  // The loss: teacher forcing, summed over real target tokens, divided once at the end.
  double total = 0;
  std::int64_t tokens = 0;
  for (std::size_t at = 0; at < encoded.size(); at += static_cast<std::size_t>(o.batch_size)) {
    std::vector<const EncodedPair*> group;
    for (std::size_t i = at; i < std::min(encoded.size(), at + static_cast<std::size_t>(o.batch_size)); ++i)
      group.push_back(&encoded[i]);
    const Batch batch = collate(group);
    total += nn::cross_entropy(model(batch.source, batch.target_in), batch.target_out, Vocab::pad_id).item() *
             static_cast<double>(batch.target_tokens);
    tokens += batch.target_tokens;
  }
  r.loss = tokens ? total / static_cast<double>(tokens) : 0.0;
  // The translations.
  const std::size_t n = o.max_sentences > 0 ? std::min(encoded.size(), static_cast<std::size_t>(o.max_sentences))
                                            : encoded.size();
  std::vector<std::vector<std::string>> hypotheses, references;
  std::int64_t exact = 0;
  for (std::size_t at = 0; at < n; at += static_cast<std::size_t>(o.batch_size)) {
    std::vector<const EncodedPair*> group;
    for (std::size_t i = at; i < std::min(n, at + static_cast<std::size_t>(o.batch_size)); ++i) group.push_back(&encoded[i]);
    const auto ids = translate_ids(model, group, o);
    for (std::size_t k = 0; k < group.size(); ++k) {
      hypotheses.push_back(words(vocabs.target, ids[k]));
      references.push_back(vocabs.target.decode(group[k]->target));  // the reference as the model can spell it
      exact += hypotheses.back() == references.back();
      r.hypotheses.push_back(detokenize(hypotheses.back()));
    }
  }
  r.sentences = static_cast<std::int64_t>(n);
  r.exact_match = n ? static_cast<double>(exact) / static_cast<double>(n) : 0.0;
  if (n) r.bleu = corpus_bleu(hypotheses, references);
  return r;
}

std::string translate_text(const nn::Transformer& model, const Vocabularies& vocabs, const std::string& text,
                           const EvalOptions& options) {
  const std::vector<int> src = vocabs.source.encode(tokenize(text));
  const EncodedPair pair{src, {Vocab::bos_id, Vocab::eos_id}};
  return detokenize(words(vocabs.target, translate_ids(model, {&pair}, options)[0]));
}

}  // namespace sf::translator
