// dataset.hpp: training, validation and test sets drawn from the grammar, with a test set that
// measures generalisation rather than memory.
//
// What is held out. A fraction (15% by default) of the valid adjective–noun combinations ("black"
// with "house") and of the valid verb–object combinations ("eat" with "cake", "go to" with "park")
// is reserved, chosen from the seed. A sentence that uses a reserved combination, attributively
// ("the black house") or predicatively ("the house is black"), may go only to the test set, and
// every test sentence uses at least one. Training and validation sentences use none. So the test
// set asks for known words and known constructions in combinations never seen in training.
//
// The reservation never takes away a form a learner needs: every adjective keeps at least 70% of
// its nouns and every noun at least 60% of its adjectives (likewise for verbs and objects), and
// every (adjective, gender, vowel sound) group keeps two training nouns, so "vieil" (old before a
// masculine vowel: le vieil arbre) and "belle" are each seen with several nouns in training.
//
// No English sentence occurs twice, within a split or across splits. Validation is in-distribution:
// new sentences built only from training combinations. Training depends only on the seed, its size
// and the length limits, not on the validation or test sizes. This file does not tokenize.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "examples/translator/grammar.hpp"
#include "examples/translator/sentence_pair.hpp"

namespace sf::translator {

struct DatasetConfig {
  std::uint64_t seed = 1;
  std::size_t train_size = 50000;
  std::size_t validation_size = 1000;
  std::size_t test_size = 1000;
  int min_words = 3;  // on both sides, not counting the full stop
  int max_words = 15;
  double held_out_fraction = 0.15;  // of the adjective–noun and of the verb–object combinations
};

/// The reserved combinations, as indices into adjectives(), nouns() and verbs().
struct HeldOut {
  std::set<std::pair<int, int>> adjective_noun;
  std::set<std::pair<int, int>> verb_object;

  /// Whether a sentence uses any reserved combination.
  bool touches(const Combinations& combinations) const;
};

struct Dataset {
  std::vector<SentencePair> train, validation, test;
  HeldOut held_out;
};

/// Chooses the reserved combinations from a seed (the same seed always reserves the same ones).
HeldOut choose_held_out(std::uint64_t seed, double fraction);

/// Draws the three splits. Throws sf::ValueError for impossible settings (sizes the length
/// limits cannot supply, min_words > max_words, a fraction outside [0, 0.5]).
/// Example: auto data = make_dataset({.seed = 42, .train_size = 20000});
Dataset make_dataset(const DatasetConfig& config);

/// The reserved combinations in English words, e.g. "adjective–noun: black house, old man; ...".
std::string describe(const HeldOut& held_out);

/// Prints the first `count` pairs, one "english  →  french" per line.
void print_samples(std::ostream& out, const std::vector<SentencePair>& pairs, std::size_t count);

}  // namespace sf::translator
