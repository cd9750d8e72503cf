// dataset.cpp: reserving combinations for the test set and drawing the three splits (see dataset.hpp).
#include "examples/translator/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>
#include <tuple>
#include <unordered_set>

#include "core/error.hpp"
#include "core/random.hpp"
#include "examples/translator/lexicon.hpp"
#include "examples/translator/spelling.hpp"

namespace sf::translator {
namespace {

using Combination = std::pair<int, int>;

// Fisher–Yates with our portable generator (std::shuffle differs between standard libraries).
void shuffle(std::vector<Combination>& items, Generator& rng) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(rng.randint(0, static_cast<std::int64_t>(i)));
    std::swap(items[i - 1], items[j]);
  }
}

// How many partners a word must keep in training: at least two, and at least `share` of them.
int must_keep(int partners, double share) {
  return std::max(2, static_cast<int>(std::ceil(share * partners)));
}

// Reserves about `fraction` of `pairs` (first, second), in a seeded random order, skipping any
// whose reservation would leave a word or a group with too few training partners. `group` maps a
// pair to a key whose members must keep two training pairs (-1: no group).
template <class GroupOf>
std::set<Combination> reserve(std::vector<Combination> pairs, double fraction, Generator& rng,
                              GroupOf group) {
  std::map<int, int> first_left, second_left, group_left, first_total, second_total;
  for (const auto& [a, b] : pairs) {
    ++first_total[a], ++first_left[a], ++second_total[b], ++second_left[b];
    ++group_left[group(a, b)];
  }
  shuffle(pairs, rng);
  const auto target = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(pairs.size())));
  std::set<Combination> reserved;
  for (const auto& [a, b] : pairs) {
    if (reserved.size() >= target) break;
    const int g = group(a, b);
    if (first_left[a] - 1 < must_keep(first_total[a], 0.7)) continue;
    if (second_left[b] - 1 < std::min(must_keep(second_total[b], 0.6), second_total[b])) continue;
    if (g >= 0 && group_left[g] - 1 < 2) continue;
    --first_left[a], --second_left[b], --group_left[g];
    reserved.insert({a, b});
  }
  return reserved;
}

}  // namespace

bool HeldOut::touches(const Combinations& combinations) const {
  for (const auto& c : combinations.adjective_noun)
    if (adjective_noun.count(c)) return true;
  for (const auto& c : combinations.verb_object)
    if (verb_object.count(c)) return true;
  return false;
}

HeldOut choose_held_out(std::uint64_t seed, double fraction) {
  if (!(fraction >= 0.0 && fraction <= 0.5))
    fail<ValueError>("choose_held_out: held_out_fraction must be in [0, 0.5], got ", fraction);
  std::vector<Combination> adjective_noun, verb_object;
  for (int a = 0; a < static_cast<int>(adjectives().size()); ++a)
    for (int n = 0; n < static_cast<int>(nouns().size()); ++n)
      if (fits(adjectives()[static_cast<std::size_t>(a)], nouns()[static_cast<std::size_t>(n)]))
        adjective_noun.push_back({a, n});
  for (int v = 0; v < static_cast<int>(verbs().size()); ++v)
    for (int n = 0; n < static_cast<int>(nouns().size()); ++n)
      if (verbs()[v].kind != VerbKind::intransitive && (verbs()[v].objects & nouns()[n].kinds))
        verb_object.push_back({v, n});
  // Group of an adjective–noun pair: the adjective's French form used with this noun.
  const auto form_group = [](int a, int n) {
    const Noun& noun = nouns()[static_cast<std::size_t>(n)];
    return a * 4 + (noun.gender == Gender::feminine ? 2 : 0) + (starts_with_vowel_sound(noun.french) ? 1 : 0);
  };
  Generator rng(~seed);  // a stream apart from the sentences' (which use `seed` itself)
  HeldOut held_out;
  held_out.adjective_noun = reserve(adjective_noun, fraction, rng, form_group);
  held_out.verb_object = reserve(verb_object, fraction, rng, [](int, int) { return -1; });
  return held_out;
}

Dataset make_dataset(const DatasetConfig& config) {
  if (config.min_words < 1 || config.min_words > config.max_words)
    fail<ValueError>("make_dataset: need 1 <= min_words <= max_words, got min_words ", config.min_words,
                     " and max_words ", config.max_words);
  Dataset data;
  data.held_out = choose_held_out(config.seed, config.held_out_fraction);
  const std::size_t wanted = config.train_size + config.validation_size + config.test_size;
  // The shortest patterns run out of distinct sentences long before the longer ones; beyond this
  // many draws the settings cannot be met.
  const std::size_t max_draws = 50 * wanted + 10000;
  Generator rng(config.seed);
  std::unordered_set<std::string> seen;  // English sides already in some split
  std::size_t draws = 0;
  while (data.train.size() < config.train_size || data.validation.size() < config.validation_size ||
         data.test.size() < config.test_size) {
    if (++draws > max_draws)
      fail<ValueError>("make_dataset: after ", max_draws, " draws only ", data.train.size(), "/",
                       config.train_size, " training, ", data.validation.size(), "/", config.validation_size,
                       " validation and ", data.test.size(), "/", config.test_size, " test pairs of ",
                       config.min_words, " to ", config.max_words,
                       " words were found; ask for fewer or allow longer sentences");
    GeneratedPair g = generate_pair(rng);
    const int english_words = count_words(g.pair.source), french_words = count_words(g.pair.target);
    if (std::min(english_words, french_words) < config.min_words ||
        std::max(english_words, french_words) > config.max_words || seen.count(g.pair.source))
      continue;
    std::vector<SentencePair>* split = nullptr;
    if (data.held_out.touches(g.combinations)) {
      if (data.test.size() < config.test_size) split = &data.test;
    } else if (data.train.size() < config.train_size) {
      split = &data.train;
    } else if (data.validation.size() < config.validation_size) {
      split = &data.validation;
    }
    if (split == nullptr) continue;
    seen.insert(g.pair.source);
    split->push_back(std::move(g.pair));
  }
  return data;
}

std::string describe(const HeldOut& held_out) {
  std::string text = "adjective-noun (" + std::to_string(held_out.adjective_noun.size()) + "):";
  for (const auto& [a, n] : held_out.adjective_noun)
    text += " " + adjectives()[static_cast<std::size_t>(a)].english + " " +
            nouns()[static_cast<std::size_t>(n)].english + ",";
  text.back() = '\n';
  text += "verb-object (" + std::to_string(held_out.verb_object.size()) + "):";
  for (const auto& [v, n] : held_out.verb_object) {
    const Verb& verb = verbs()[static_cast<std::size_t>(v)];
    text += " " + verb.english + (verb.english_particle.empty() ? "" : " " + verb.english_particle) + " " +
            nouns()[static_cast<std::size_t>(n)].english + ",";
  }
  text.back() = '\n';
  return text;
}

void print_samples(std::ostream& out, const std::vector<SentencePair>& pairs, std::size_t count) {
  for (std::size_t i = 0; i < std::min(count, pairs.size()); ++i)
    out << pairs[i].source << "  →  " << pairs[i].target << '\n';
}

}  // namespace sf::translator
