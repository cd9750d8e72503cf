// evaluation.cpp: loss, exact match and scores on held-out pairs.
#include "examples/translator/evaluation.hpp"

#include <algorithm>
#include <iomanip>
#include <istream>
#include <map>
#include <ostream>
#include <sstream>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "examples/translator/batching.hpp"
#include "examples/translator/decoding.hpp"
#include "nn/loss.hpp"
#include "text/pretokenize.hpp"

namespace sf::translator {
namespace {

std::vector<std::vector<int>> translate_ids(const nn::Transformer& model,
                                            const std::vector<const EncodedPair*>& group,
                                            const EvalOptions& o) {
  if (o.beam <= 1) return greedy_decode(model, collate(group).source, o.max_len);
  std::vector<std::vector<int>> out;
  for (const EncodedPair* p : group)
    out.push_back(beam_search(model, collate({p}).source,
                              {.width = o.beam, .length_penalty = o.length_penalty, .max_len = o.max_len}));
  return out;
}

/// Translations of `encoded` (in batches), as ids.
std::vector<std::vector<int>> translate_all(const nn::Transformer& model,
                                            const std::vector<EncodedPair>& encoded, const EvalOptions& o) {
  std::vector<std::vector<int>> out;
  const auto batch = static_cast<std::size_t>(o.batch_size);
  for (std::size_t at = 0; at < encoded.size(); at += batch) {
    std::vector<const EncodedPair*> group;
    for (std::size_t i = at; i < std::min(encoded.size(), at + batch); ++i) group.push_back(&encoded[i]);
    for (std::vector<int>& ids : translate_ids(model, group, o)) out.push_back(std::move(ids));
  }
  return out;
}

/// The mean teacher-forcing loss per target token over the pairs the model can take.
double teacher_forcing_loss(const nn::Transformer& model, const std::vector<SentencePair>& pairs,
                            const Tokeniser& tokeniser, const EvalOptions& o) {
  const std::vector<EncodedPair> encoded = encode_pairs(pairs, tokeniser, model.config().max_len);
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
  return tokens ? total / static_cast<double>(tokens) : 0.0;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) (out += out.empty() ? "" : " ") += w;
  return out;
}

/// A words run: every pair on its own, compared token for token with its reference as the model can
/// spell it.
void score_words(const nn::Transformer& model, const std::vector<SentencePair>& pairs,
                 const Tokeniser& tokeniser, const EvalOptions& o, EvalResult& r) {
  const Vocab& target = tokeniser.words().target;
  std::vector<EncodedPair> encoded;
  std::vector<std::size_t> index;  // of each encoded pair in `pairs`
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    EncodedPair e{tokeniser.encode_source(pairs[i].source), tokeniser.encode_target(pairs[i].target)};
    if (static_cast<std::int64_t>(e.source.size()) > model.config().max_len ||
        static_cast<std::int64_t>(e.target.size()) > model.config().max_len) {
      ++r.too_long;
      continue;
    }
    encoded.push_back(std::move(e));
    index.push_back(i);
  }
  if (o.max_sentences > 0 && static_cast<std::int64_t>(encoded.size()) > o.max_sentences)
    encoded.resize(static_cast<std::size_t>(o.max_sentences));
  const std::vector<std::vector<int>> ids = translate_all(model, encoded, o);
  std::vector<std::string> hypotheses;
  std::vector<std::vector<std::string>> references;
  std::int64_t exact = 0;
  for (std::size_t k = 0; k < encoded.size(); ++k) {
    const std::vector<std::string> hypothesis = target.decode(ids[k]);
    const std::vector<std::string> reference = target.decode(encoded[k].target);
    exact += hypothesis == reference;
    hypotheses.push_back(join(hypothesis));
    references.push_back({join(reference)});
    r.sources.push_back(pairs[index[k]].source);
    r.first_references.push_back(pairs[index[k]].target);
    r.hypotheses.push_back(tokeniser.decode_target(ids[k]));
  }
  r.sentences = r.references = static_cast<std::int64_t>(encoded.size());
  r.exact_match = encoded.empty() ? 0.0 : static_cast<double>(exact) / static_cast<double>(encoded.size());
  const text::BleuConfig words{.tokenizer = text::BleuTokenizer::none,
                               .smoothing = text::BleuSmoothing::none};
  if (!encoded.empty()) r.bleu = text::corpus_bleu(hypotheses, references, words);
}

/// Groups `pairs` by source: r.sources gets the distinct sources in order of first appearance (at most
/// o.max_sentences of them); returns every reference of each.
std::vector<std::vector<std::string>> group_references(const std::vector<SentencePair>& pairs,
                                                       const EvalOptions& o, EvalResult& r) {
  // [doc:group-references]
  std::vector<std::vector<std::string>> references;  // every reference of each distinct source
  std::map<std::string, std::size_t> group_of;
  for (const SentencePair& p : pairs) {
    const auto [it, added] = group_of.emplace(p.source, r.sources.size());
    if (added) {
      if (o.max_sentences > 0 && static_cast<std::int64_t>(r.sources.size()) >= o.max_sentences) {
        group_of.erase(it);
        continue;
      }
      r.sources.push_back(p.source);
      references.emplace_back();
    }
    references[it->second].push_back(p.target);
  }
  // [doc:end]
  return references;
}

/// Exact match, BLEU, lowercased BLEU and chrF2 of r.hypotheses (one per r.sources) against `references`.
void score_hypotheses(EvalResult& r, const std::vector<std::vector<std::string>>& references) {
  std::int64_t exact = 0;
  for (std::size_t i = 0; i < r.sources.size(); ++i) {
    r.first_references.push_back(references[i].front());
    r.references += static_cast<std::int64_t>(references[i].size());
    for (const std::string& reference : references[i])
      if (r.hypotheses[i] == text::normalise(reference)) {
        ++exact;
        break;
      }
  }
  r.sentences = static_cast<std::int64_t>(r.sources.size());
  r.exact_match = r.sentences ? static_cast<double>(exact) / static_cast<double>(r.sentences) : 0.0;
  r.text_scores = true;
  if (r.sentences == 0) return;
  // [doc:text-scores]
  r.bleu = text::corpus_bleu(r.hypotheses, references);  // sacreBLEU's defaults: 13a, cased, exp smoothing
  r.lowercase_bleu = text::corpus_bleu(r.hypotheses, references, {.lowercase = true});
  r.chrf = text::corpus_chrf(r.hypotheses, references);
  // [doc:end]
}

/// A bpe run: the pairs grouped by source, each source translated once and scored against all its
/// references, on text.
void score_text(const nn::Transformer& model, const std::vector<SentencePair>& pairs,
                const Tokeniser& tokeniser, const EvalOptions& o, EvalResult& r) {
  const std::vector<std::vector<std::string>> references = group_references(pairs, o, r);
  std::vector<EncodedPair> encoded;
  std::vector<std::size_t> index;  // of each encoded source in r.sources
  for (std::size_t i = 0; i < r.sources.size(); ++i) {
    std::vector<int> source = tokeniser.encode_source(r.sources[i]);
    if (static_cast<std::int64_t>(source.size()) > model.config().max_len) {
      ++r.too_long;
      continue;
    }
    encoded.push_back({std::move(source), {Vocab::bos_id, Vocab::eos_id}});
    index.push_back(i);
  }
  const std::vector<std::vector<int>> ids = translate_all(model, encoded, o);
  r.hypotheses.assign(r.sources.size(), "");
  for (std::size_t k = 0; k < encoded.size(); ++k) r.hypotheses[index[k]] = tokeniser.decode_target(ids[k]);
  score_hypotheses(r, references);
}

}  // namespace

std::vector<SentencePair> EvalResult::translated_pairs() const {
  std::vector<SentencePair> pairs;
  for (std::size_t i = 0; i < sources.size(); ++i) pairs.push_back({sources[i], first_references[i]});
  return pairs;
}

std::string describe_decoding(const EvalOptions& options) {
  if (options.beam <= 1) return "greedy decoding";
  std::ostringstream os;
  os << "beam search (width " << options.beam << ", length penalty " << options.length_penalty << ")";
  return os.str();
}

EvalResult evaluate(const nn::Transformer& model, const std::vector<SentencePair>& pairs,
                    const Tokeniser& tokeniser, const EvalOptions& o) {
  NoGradGuard no_grad;
  EvalResult r;
  r.decoding = describe_decoding(o);
  r.loss = teacher_forcing_loss(model, pairs, tokeniser, o);
  if (tokeniser.is_bpe())
    score_text(model, pairs, tokeniser, o, r);
  else
    score_words(model, pairs, tokeniser, o, r);
  return r;
}

std::vector<std::string> distinct_sources(const std::vector<SentencePair>& pairs,
                                          std::int64_t max_sentences) {
  EvalResult r;
  group_references(pairs, {.max_sentences = max_sentences}, r);
  return r.sources;
}

EvalResult score_translations(const std::vector<SentencePair>& pairs, std::vector<std::string> hypotheses,
                              std::int64_t max_sentences) {
  EvalResult r;
  const std::vector<std::vector<std::string>> references =
      group_references(pairs, {.max_sentences = max_sentences}, r);
  if (hypotheses.size() != r.sources.size())
    fail<ValueError>("score_translations: ", hypotheses.size(), " translations for ", r.sources.size(),
                     " distinct source sentences");
  r.hypotheses = std::move(hypotheses);
  score_hypotheses(r, references);
  return r;
}

std::string translate_text(const nn::Transformer& model, const Tokeniser& tokeniser, const std::string& text,
                           const EvalOptions& options) {
  NoGradGuard no_grad;
  const std::vector<int> source = tokeniser.encode_source(text);
  const std::int64_t limit = model.config().max_len;
  if (static_cast<std::int64_t>(source.size()) > limit)
    fail<ValueError>("the sentence is ", source.size(),
                     " tokens long (with <s> and </s>), over this run's limit of ", limit,
                     " (set by --max-len when training)");
  const EncodedPair pair{source, {Vocab::bos_id, Vocab::eos_id}};
  return tokeniser.decode_target(translate_ids(model, {&pair}, options)[0]);
}

std::int64_t translate_lines(const nn::Transformer& model, const Tokeniser& tokeniser, std::istream& in,
                             std::ostream& out, std::ostream& errors, const EvalOptions& options) {
  std::int64_t failed = 0, number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string translation;
    try {
      if (!line.empty()) translation = translate_text(model, tokeniser, line, options);
    } catch (const ValueError& e) {
      errors << "line " << number << ": " << e.what() << '\n' << std::flush;
      ++failed;
    }
    out << translation << '\n' << std::flush;  // line i of the output is the translation of line i
  }
  return failed;
}

std::string format_result(const std::string& name, const EvalResult& r, std::int64_t max_len) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(1);
  if (!r.text_scores) {
    os << name << ": " << r.sentences << " sentences, exact match " << 100 * r.exact_match << "%, BLEU "
       << r.bleu.score << ", loss " << std::setprecision(3) << r.loss << ", " << r.decoding << '\n';
    return os.str();
  }
  os << name << ": " << r.sentences << " sentences, " << r.references << " references, " << r.decoding
     << "\nloss " << std::setprecision(3) << r.loss << " per token, exact match " << std::setprecision(1)
     << 100 * r.exact_match << "%\n"
     << r.bleu.format() << '\n'
     << r.lowercase_bleu.format() << '\n'
     << r.chrf.format() << '\n';
  if (r.too_long)
    os << r.too_long << " sentences are longer than the model's limit of " << max_len
       << " tokens (--max-len when training) and were scored as empty translations\n";
  return os.str();
}

}  // namespace sf::translator
