// sentence_pair.hpp: one source sentence and its translation, as plain UTF-8 text.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace sf::translator {

struct SentencePair {
  std::string source;  // English
  std::string target;  // French

  bool operator==(const SentencePair&) const = default;
};

/// The indices of the first `count` pairs whose English sides differ, in order. Real data holds one
/// English sentence with several translations ("Cheers!" → "Santé !", "À votre santé !"), and a
/// sample of translations should not show the same sentence four times.
inline std::vector<std::size_t> first_distinct_sources(const std::vector<SentencePair>& pairs,
                                                       std::size_t count) {
  std::vector<std::size_t> picked;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < pairs.size() && picked.size() < count; ++i)
    if (seen.insert(pairs[i].source).second) picked.push_back(i);
  return picked;
}

}  // namespace sf::translator
