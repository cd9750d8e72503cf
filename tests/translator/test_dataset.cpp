// Tests for examples/translator/dataset: split sizes, no overlap, and the held-out property checked
// from the English text alone (independently of the Combinations the generator reports).
#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"
#include "examples/translator/dataset.hpp"
#include "examples/translator/lexicon.hpp"

using namespace sf::translator;

namespace {

std::vector<std::string> lower_words(std::string sentence) {
  sentence.pop_back();  // the full stop
  sentence[0] = static_cast<char>(sentence[0] - 'A' + 'a');
  std::istringstream in(sentence);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

bool is_noun(const std::string& w, const Noun& n) { return w == n.english || w == n.english_plural; }

// The reserved combinations a sentence uses, found from its English words: an adjective one or two
// words before a noun ("black house", "old black house"), "<noun> is/are [not] <adjective>", and a
// verb followed within five words by its object noun ("eats the small red apple").
int reserved_uses(const std::vector<std::string>& w, const HeldOut& held) {
  int uses = 0;
  for (const auto& [a, n] : held.adjective_noun) {
    const Adjective& adj = adjectives()[static_cast<std::size_t>(a)];
    const Noun& noun = nouns()[static_cast<std::size_t>(n)];
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w[i] != adj.english) continue;
      if ((i + 1 < w.size() && is_noun(w[i + 1], noun)) || (i + 2 < w.size() && is_noun(w[i + 2], noun)))
        ++uses;
      const std::size_t be = w[i - 1] == "not" ? i - 2 : i - 1;
      if (i + 1 == w.size() && be >= 1 && (w[be] == "is" || w[be] == "are") && is_noun(w[be - 1], noun))
        ++uses;
    }
  }
  for (const auto& [v, n] : held.verb_object) {
    const Verb& verb = verbs()[static_cast<std::size_t>(v)];
    const Noun& noun = nouns()[static_cast<std::size_t>(n)];
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w[i] != verb.english && w[i] != verb.english_third_person) continue;
      for (std::size_t j = i + 1; j < w.size() && j <= i + 6; ++j) {
        if (is_noun(w[j], noun)) ++uses;
        bool any_noun = false;
        for (const Noun& other : nouns()) any_noun = any_noun || is_noun(w[j], other);
        if (any_noun) break;  // the first noun after the verb is its object
      }
    }
  }
  return uses;
}

}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE("dataset: sizes - lengths - and no sentence in two places") {
    const Dataset data =
        make_dataset({.seed = 3, .train_size = 3000, .validation_size = 300, .test_size = 300});
    CHECK(data.train.size() == 3000);
    CHECK(data.validation.size() == 300);
    CHECK(data.test.size() == 300);
    std::unordered_set<std::string> seen;
    for (const auto* split : {&data.train, &data.validation, &data.test}) {
      for (const SentencePair& p : *split) {
        CHECK(seen.insert(p.source).second);
        const auto words = lower_words(p.source);
        CHECK(words.size() >= 3);
        CHECK(words.size() <= 15);
      }
    }
  }

  TEST_CASE("dataset: held-out combinations occur only in the test set - and in every test sentence") {
    const Dataset data =
        make_dataset({.seed = 3, .train_size = 3000, .validation_size = 300, .test_size = 300});
    CHECK(data.held_out.adjective_noun.size() > 50);
    CHECK(data.held_out.verb_object.size() > 50);
    for (const auto* split : {&data.train, &data.validation})
      for (const SentencePair& p : *split)
        CHECK_MESSAGE(reserved_uses(lower_words(p.source), data.held_out) == 0, p.source);
    for (const SentencePair& p : data.test)
      CHECK_MESSAGE(reserved_uses(lower_words(p.source), data.held_out) > 0, p.source);
  }

  TEST_CASE("dataset: every French token of the test set is seen in training") {
    // Tokens as the tokenizer cuts them: "n'écoutes" is "n'" and "écoutes".
    const auto tokens = [](const std::string& sentence) {
      std::vector<std::string> out;
      for (const std::string& w : lower_words(sentence)) {
        const std::size_t apostrophe = w.find('\'');
        if (apostrophe == std::string::npos)
          out.push_back(w);
        else
          out.insert(out.end(), {w.substr(0, apostrophe + 1), w.substr(apostrophe + 1)});
      }
      return out;
    };
    const Dataset data =
        make_dataset({.seed = 3, .train_size = 10000, .validation_size = 0, .test_size = 500});
    std::set<std::string> train_tokens;
    for (const SentencePair& p : data.train)
      for (const std::string& t : tokens(p.target)) train_tokens.insert(t);
    for (const SentencePair& p : data.test)
      for (const std::string& t : tokens(p.target)) CHECK_MESSAGE(train_tokens.count(t), t);
  }

  TEST_CASE("dataset: deterministic - and training does not depend on the test size") {
    const Dataset a = make_dataset({.seed = 9, .train_size = 500, .validation_size = 50, .test_size = 50});
    const Dataset b = make_dataset({.seed = 9, .train_size = 500, .validation_size = 50, .test_size = 50});
    const Dataset c = make_dataset({.seed = 9, .train_size = 500, .validation_size = 10, .test_size = 200});
    CHECK(a.train == b.train);
    CHECK(a.test == b.test);
    CHECK(a.train == c.train);
    CHECK(a.held_out.adjective_noun == choose_held_out(9, 0.15).adjective_noun);
  }

  TEST_CASE("dataset: impossible settings are refused with a clear message") {
    CHECK_THROWS_WITH_AS(make_dataset({.min_words = 9, .max_words = 4}),
                         doctest::Contains("min_words <= max_words"), sf::ValueError);
    CHECK_THROWS_WITH_AS(
        make_dataset({.train_size = 100, .validation_size = 0, .test_size = 0, .max_words = 3}),
        doctest::Contains("allow longer sentences"), sf::ValueError);
    CHECK_THROWS_WITH_AS(choose_held_out(1, 0.9), doctest::Contains("held_out_fraction"), sf::ValueError);
  }

  TEST_CASE("dataset: describe and print_samples") {
    const Dataset data = make_dataset({.seed = 3, .train_size = 5, .validation_size = 0, .test_size = 0});
    CHECK(describe(data.held_out).find("adjective-noun (") == 0);
    std::ostringstream out;
    print_samples(out, data.train, 2);
    CHECK(out.str() == data.train[0].source + "  →  " + data.train[0].target + "\n" + data.train[1].source +
                           "  →  " + data.train[1].target + "\n");
  }
}
