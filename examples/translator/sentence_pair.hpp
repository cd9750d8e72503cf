// sentence_pair.hpp: one source sentence and its translation, as plain UTF-8 text.
#pragma once

#include <string>

namespace sf::translator {

struct SentencePair {
  std::string source;  // English
  std::string target;  // French

  bool operator==(const SentencePair&) const = default;
};

}  // namespace sf::translator
