// tokeniser.hpp: how a run turns sentences into ids and back. Two kinds, named in the run's settings
// (RunConfig::tokeniser) and stored with its checkpoints:
//   "words"  word vocabularies, one per language (tokenizer.hpp, vocab.hpp): the toy grammar's. Output
//            is lower case; a word not seen in training becomes <unk>.
//   "bpe"    one byte-pair-encoding tokeniser learned from the training text of both languages
//            (text/bpe.hpp): real text. Nothing is unknown (byte fallback), and decoding gives back
//            the text's case and spacing, including French's no-break space before ! ? ; : ».
// Both use ids 0..2 for <pad>, <s> and </s> (Vocab and text::Bpe agree), so the model and the batches
// do not need to know which one a run uses; the embedding tables are sized by source_size() and
// target_size().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "examples/translator/vocab.hpp"
#include "text/bpe.hpp"

namespace sf::translator {

/// The word vocabularies of a "words" run.
struct Vocabularies {
  Vocab source, target;
};

class Tokeniser {
 public:
  explicit Tokeniser(Vocabularies words);
  explicit Tokeniser(text::Bpe joint);

  bool is_bpe() const { return bpe_.has_value(); }
  std::string kind() const { return is_bpe() ? "bpe" : "words"; }
  std::int64_t source_size() const;
  std::int64_t target_size() const;

  /// <s> ids... </s> of a sentence.
  std::vector<int> encode_source(std::string_view sentence) const;
  std::vector<int> encode_target(std::string_view sentence) const;
  /// The text of a translation's ids (<s>, </s> and <pad> are left out; nothing after </s>).
  std::string decode_target(const std::vector<int>& ids) const;
  /// The piece (or word) of one id, for pictures and traces.
  std::string source_piece(int id) const;
  std::string target_piece(int id) const;

  /// The word vocabularies (sf::ValueError for a BPE tokeniser) and the BPE tokeniser (same).
  const Vocabularies& words() const;
  const text::Bpe& bpe() const;
  /// One line for the training log: "vocabulary: 52 source and 61 target words" or "BPE: ...".
  std::string describe() const;

 private:
  std::optional<Vocabularies> words_;
  std::optional<text::Bpe> bpe_;
};

}  // namespace sf::translator
