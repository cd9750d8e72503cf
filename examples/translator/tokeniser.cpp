// tokeniser.cpp: the two kinds of tokeniser behind one interface (see tokeniser.hpp).
#include "examples/translator/tokeniser.hpp"

#include <sstream>

#include "core/error.hpp"
#include "examples/translator/tokenizer.hpp"

namespace sf::translator {

static_assert(Vocab::pad_id == text::Bpe::pad_id && Vocab::bos_id == text::Bpe::bos_id &&
                  Vocab::eos_id == text::Bpe::eos_id,
              "the model and the batches use one set of special ids for both tokenisers");

Tokeniser::Tokeniser(Vocabularies words) : words_(std::move(words)) {}

Tokeniser::Tokeniser(text::Bpe joint) : bpe_(std::move(joint)) {}

std::int64_t Tokeniser::source_size() const { return bpe_ ? bpe_->vocab_size() : words_->source.size(); }

std::int64_t Tokeniser::target_size() const { return bpe_ ? bpe_->vocab_size() : words_->target.size(); }

namespace {

std::vector<int> framed(const std::vector<std::int32_t>& ids) {
  std::vector<int> out{Vocab::bos_id};
  out.insert(out.end(), ids.begin(), ids.end());
  out.push_back(Vocab::eos_id);
  return out;
}

}  // namespace

std::vector<int> Tokeniser::encode_source(std::string_view sentence) const {
  return bpe_ ? framed(bpe_->encode(sentence)) : words_->source.encode(tokenize(sentence));
}

std::vector<int> Tokeniser::encode_target(std::string_view sentence) const {
  return bpe_ ? framed(bpe_->encode(sentence)) : words_->target.encode(tokenize(sentence));
}

std::string Tokeniser::decode_target(const std::vector<int>& ids) const {
  if (!bpe_) return detokenize(words_->target.decode(ids));
  std::vector<std::int32_t> kept;
  for (int id : ids) {
    if (id == Vocab::eos_id) break;
    kept.push_back(id);
  }
  return bpe_->decode(kept);
}

std::string Tokeniser::source_piece(int id) const {
  return bpe_ ? bpe_->piece(id) : words_->source.token(id);
}

std::string Tokeniser::target_piece(int id) const {
  return bpe_ ? bpe_->piece(id) : words_->target.token(id);
}

const Vocabularies& Tokeniser::words() const {
  if (!words_) fail<ValueError>("tokeniser: this run uses BPE, not word vocabularies");
  return *words_;
}

const text::Bpe& Tokeniser::bpe() const {
  if (!bpe_) fail<ValueError>("tokeniser: this run uses word vocabularies, not BPE");
  return *bpe_;
}

std::string Tokeniser::describe() const {
  std::ostringstream os;
  if (bpe_)
    os << "tokeniser: BPE learned from both languages, " << bpe_->vocab_size() << " pieces ("
       << bpe_->characters().size() << " characters, " << bpe_->merges().size() << " merges)";
  else
    os << "vocabulary: " << words_->source.size() << " source and " << words_->target.size()
       << " target tokens";
  return os.str();
}

}  // namespace sf::translator
