// grammar.hpp: a generator of English→French sentence pairs that are true translations.
//
// Five sentence patterns, each positive or negated:
//   subject verb object [place]       The small black cats eat the apple.  → Les petits chats noirs mangent
//   la pomme. subject verb place                I do not sleep near the tree.        → Je ne dors pas près de
//   l'arbre. subject be adjective              She is not happy.                    → Elle n'est pas
//   heureuse. subject be place                  Two keys are in the bag.             → Deux clés sont dans le
//   sac. subject go to destination         We go to the old hospital.           → Nous allons au vieil
//   hôpital.
// French agreement (gender and number of determiners and adjectives, verb endings), adjective
// position (colours after the noun, petit/grand/beau/vieux/... before it), elision (l', j', n', d'),
// cet, bel/vieil/nouvel, au/aux/du/des and "de" for "des" before an adjective are all applied.
//
// What is deliberately not generated, because English does not say which French form to use:
// "vous" (you is always tu), "elles" (they is always ils), "I am happy" (je suis heureux or
// heureuse?), and "pas de" (negated sentences only take definite or demonstrative objects, so
// "je n'ai pas un chat" never arises). This file does not split data: see dataset.hpp.
#pragma once

#include <utility>
#include <vector>

#include "core/random.hpp"
#include "examples/translator/sentence_pair.hpp"

namespace sf::translator {

/// The word combinations one sentence uses, as indices into nouns(), adjectives() and verbs().
/// The dataset holds some of them out of training (see dataset.hpp).
struct Combinations {
  std::vector<std::pair<int, int>>
      adjective_noun;  // attributive ("the black cat") or predicative ("the cat is black")
  std::vector<std::pair<int, int>> verb_object;  // "eat the apple", "go to the park"
};

struct GeneratedPair {
  SentencePair pair;
  Combinations combinations;
};

/// Draws one sentence pair; the same generator state always gives the same pair.
/// Example: sf::Generator rng(91); generate_pair(rng).pair ==
///          SentencePair{"The old man reads a small book.", "Le vieil homme lit un petit livre."}
GeneratedPair generate_pair(Generator& rng);

}  // namespace sf::translator
