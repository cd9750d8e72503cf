// spelling.hpp: the last step of the grammar: turning a list of words into a written sentence,
// with each language's spelling rules between neighbouring words.
//
// English: "a" becomes "an" before a vowel (an old man, an umbrella).
// French, in this order:
//   elision      le/la → l', je → j', ne → n', de → d' before a vowel or a silent h, written
//                joined to the next word (l'arbre, l'homme, j'aime, n'est, d'un), but not before
//                an aspirated h (le hibou); and ce → cet (cet oiseau);
//   contraction  à le → au, à les → aux, de le → du, de les → des, where no elision happened
//                (au parc, au vieil hôpital, but à l'école, près de l'arbre).
// Both capitalise the first letter and end with a full stop. Not a tokenizer (see tokenizer.hpp).
#pragma once

#include <string>
#include <vector>

namespace sf::translator {

/// Example: english_spelling({"a", "old", "man", "sleeps"}) == "An old man sleeps."
std::string english_spelling(std::vector<std::string> words);

/// Example: french_spelling({"je", "ne", "vais", "pas", "à", "le", "parc"}) == "Je ne vais pas au parc."
std::string french_spelling(std::vector<std::string> words);

/// Number of space-separated words, not counting the final full stop ("l'arbre" is one word).
int count_words(const std::string& sentence);

}  // namespace sf::translator
