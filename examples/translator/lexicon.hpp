// lexicon.hpp: the words of the toy English→French grammar and what French needs to know of them.
//
// Each noun carries its gender, its irregular plurals on both sides and a set of kinds (a person,
// something portable, a place one can go to, ...); verbs and adjectives list the kinds they accept,
// so that generated sentences make sense as well as being grammatical. This file is data plus a
// few spelling facts (which words start with a vowel sound); the sentence rules are in grammar.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sf::translator {

enum class Gender { masculine, feminine };

/// Kinds of nouns, as bits: an adjective or a verb accepts a noun that shares at least one bit.
namespace kind {
inline constexpr std::uint32_t person = 1u << 0;
inline constexpr std::uint32_t animal = 1u << 1;
inline constexpr std::uint32_t produce = 1u << 2;  // fruit and vegetables
inline constexpr std::uint32_t dish = 1u << 3;
inline constexpr std::uint32_t drink = 1u << 4;  // uncountable: only "the water", "this milk"
inline constexpr std::uint32_t object = 1u << 5;
inline constexpr std::uint32_t plant = 1u << 6;
inline constexpr std::uint32_t building = 1u << 7;
inline constexpr std::uint32_t outdoors = 1u << 8;
// What can be done with a noun (verbs and prepositions ask for these).
inline constexpr std::uint32_t family = 1u << 9;  // "I have two sisters"
inline constexpr std::uint32_t readable = 1u << 10;
inline constexpr std::uint32_t openable = 1u << 11;
inline constexpr std::uint32_t portable = 1u << 12;
inline constexpr std::uint32_t washable = 1u << 13;
inline constexpr std::uint32_t container = 1u << 14;    // "in the box": only small things fit
inline constexpr std::uint32_t inside = 1u << 15;       // "in the kitchen": anyone fits
inline constexpr std::uint32_t surface = 1u << 16;      // "on the table"
inline constexpr std::uint32_t cover = 1u << 17;        // "under the tree"
inline constexpr std::uint32_t destination = 1u << 18;  // "go to the park"
inline constexpr std::uint32_t visitable = 1u << 19;    // "visit the museum"
inline constexpr std::uint32_t small = 1u << 20;        // fits in a box or a bag
inline constexpr std::uint32_t uncountable = 1u << 21;  // never plural, never "a" or a number
inline constexpr std::uint32_t child = 1u << 22;        // boy, girl
}  // namespace kind

struct Noun {
  std::string english, english_plural;
  std::string french, french_plural;
  Gender gender;
  std::uint32_t kinds;
};

struct Adjective {
  std::string english;
  std::string masculine, feminine, masculine_plural, feminine_plural;
  std::string before_vowel;  // "bel", "vieil", "nouvel": masculine singular before a vowel sound
  bool before_noun;          // French keeps petit, grand, beau, ... before the noun
  bool colour;
  std::uint32_t applies_to;    // noun kinds
  std::uint32_t excludes = 0;  // noun kinds it must not meet, even if applies_to matches
  bool predicative = true;     // may follow "is": "the cat is small"
};

enum class VerbKind { transitive, intransitive, motion };

/// French persons, in conjugation-table order.
enum Person { je = 0, tu = 1, il = 2, nous = 3, vous = 4, ils = 5 };

struct Verb {
  std::string english, english_third_person;  // "eat", "eats"
  std::string english_particle;               // "to" in "listen to" and "go to", "for" in "look for"
  std::array<std::string, 6> french;          // je, tu, il/elle, nous, vous, ils/elles
  std::string french_preposition;             // "à" after aller
  VerbKind kind;
  std::uint32_t subjects, objects;  // noun kinds
  bool definite_object_only;        // aimer: "I like the cats", never "I like two cats"
};

struct Pronoun {
  std::string english, french;
  Person person;
  Gender gender;  // what an adjective agrees with (only he, she and they take adjectives)
  bool plural;
};

/// Whether the adjective may qualify the noun ("black" fits "cat", not "woman").
bool fits(const Adjective& adjective, const Noun& noun);

const std::vector<Noun>& nouns();
const std::vector<Adjective>& adjectives();
const std::vector<Verb>& verbs();
const std::vector<Pronoun>& pronouns();
/// être and its English forms: "am", "are", "is" (kept apart: be is not a "do" verb in English).
const Verb& verb_be();
inline constexpr std::array<std::string_view, 3> english_be = {"am", "are", "is"};

/// English and French numbers 2..10: number_words(3) == {"three", "trois"}.
std::array<std::string_view, 2> number_words(int n);

/// Whether French elides before this word: a vowel or a silent h ("l'arbre", "l'homme", "j'habite"),
/// but not an aspirated h ("le hibou"). Example: starts_with_vowel_sound("hôpital") == true.
bool starts_with_vowel_sound(std::string_view french_word);
/// Whether English writes "an" before this word (every word in our lexicon is spelt as it sounds).
bool english_takes_an(std::string_view english_word);

}  // namespace sf::translator
