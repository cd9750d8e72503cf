// grammar.cpp: the sentence patterns of grammar.hpp. A sentence is first drawn as a structure
// (which subject, verb, object and adjectives), then written out word by word in each language,
// then passed through each language's spelling rules (a → an; le arbre → l'arbre, à le → au).
#include "examples/translator/grammar.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "examples/translator/lexicon.hpp"
#include "examples/translator/spelling.hpp"

namespace sf::translator {
namespace {

using Words = std::vector<std::string>;

enum class Determiner { definite, indefinite, demonstrative, number };

// "the small black cats" / "les petits chats noirs".
struct NounPhrase {
  int noun = 0;
  Determiner determiner = Determiner::definite;
  bool plural = false;
  int count = 0;                // 2..10 when determiner == number
  std::vector<int> adjectives;  // English order: at most one before-noun adjective, then a colour
};

// Where a noun phrase stands decides which determiners make sense there.
enum class Role { subject, object, definite_object, place, destination };

// A sentence being built: its words so far and what it used.
struct Draft {
  Words english, french;
  Combinations combinations;
  std::vector<int> used_nouns;  // so that no noun appears twice ("the cat sees the cat")
};

struct Subject {
  Words english, french;
  Person person = il;  // what the verb agrees with
  Gender gender = Gender::masculine;
  bool plural = false;  // with gender: what a predicative adjective agrees with
  bool small = false;   // fits in a box or a bag
  bool living = true;   // only the living are "with" someone
  int noun = -1;        // -1 for a pronoun
};

// ---- drawing ----

bool chance(Generator& rng, double p) { return rng.uniform() < p; }

int pick(Generator& rng, const std::vector<int>& options) {
  return options[static_cast<std::size_t>(rng.randint(0, static_cast<std::int64_t>(options.size())))];
}

std::vector<int> nouns_of(std::uint32_t kinds, const std::vector<int>& used) {
  std::vector<int> found;
  for (int i = 0; i < static_cast<int>(nouns().size()); ++i) {
    if ((nouns()[i].kinds & kinds) && std::find(used.begin(), used.end(), i) == used.end())
      found.push_back(i);
  }
  return found;
}

std::vector<int> verbs_of(VerbKind kind) {
  std::vector<int> found;
  for (int i = 0; i < static_cast<int>(verbs().size()); ++i)
    if (verbs()[i].kind == kind) found.push_back(i);
  return found;
}

// No adjective, one adjective, or a before-noun adjective and a colour ("the small black cat").
void add_adjectives(Generator& rng, NounPhrase& np, double p_one, double p_two) {
  std::vector<int> all, before, colours;
  for (int i = 0; i < static_cast<int>(adjectives().size()); ++i) {
    const Adjective& a = adjectives()[i];
    if (!fits(a, nouns()[static_cast<std::size_t>(np.noun)])) continue;
    all.push_back(i);
    if (a.before_noun) before.push_back(i);
    if (a.colour) colours.push_back(i);
  }
  const double r = rng.uniform();
  if (r < p_two && !before.empty() && !colours.empty()) {
    np.adjectives = {pick(rng, before), pick(rng, colours)};
  } else if (r < p_two + p_one && !all.empty()) {
    np.adjectives = {pick(rng, all)};
  }
}

NounPhrase draw_noun_phrase(Generator& rng, int noun, Role role, Draft& draft, bool with_adjectives = true) {
  NounPhrase np;
  np.noun = noun;
  using D = Determiner;
  const double r = rng.uniform();
  if (nouns()[noun].kinds & kind::uncountable) {
    np.determiner = r < 0.8 ? D::definite : D::demonstrative;  // "the water", "this milk"
  } else if (role == Role::definite_object) {
    np.determiner = r < 0.75 ? D::definite : D::demonstrative;
  } else if (role == Role::destination) {
    np.determiner = r < 0.8 ? D::definite : r < 0.9 ? D::indefinite : D::demonstrative;
  } else if (role == Role::place) {
    np.determiner = r < 0.65 ? D::definite : r < 0.8 ? D::indefinite : r < 0.9 ? D::demonstrative : D::number;
  } else {
    np.determiner = r < 0.45   ? D::definite
                    : r < 0.7  ? D::indefinite
                    : r < 0.82 ? D::demonstrative
                               : D::number;
  }
  const bool countable = !(nouns()[noun].kinds & kind::uncountable);
  if (np.determiner == D::number) {
    np.plural = true;
    np.count = static_cast<int>(rng.randint(2, 11));
  } else if (np.determiner == D::indefinite) {
    // "some cats" only where des cannot meet a preposition (de + des would be "d'arbres").
    np.plural = role != Role::place && role != Role::destination && chance(rng, 0.4);
  } else {
    np.plural = countable && chance(rng, role == Role::destination ? 0.15 : 0.35);
  }
  const bool short_phrase = role == Role::place || role == Role::destination;
  if (with_adjectives) add_adjectives(rng, np, short_phrase ? 0.25 : 0.33, short_phrase ? 0.05 : 0.12);
  for (int a : np.adjectives) draft.combinations.adjective_noun.push_back({a, noun});
  draft.used_nouns.push_back(noun);
  return np;
}

// ---- writing out ----

Words english_noun_phrase(const NounPhrase& np) {
  const Noun& noun = nouns()[np.noun];
  Words words;
  switch (np.determiner) {
    case Determiner::definite:
      words.push_back("the");
      break;
    case Determiner::indefinite:
      words.push_back(np.plural ? "some" : "a");
      break;
    case Determiner::demonstrative:
      words.push_back(np.plural ? "these" : "this");
      break;
    case Determiner::number:
      words.emplace_back(number_words(np.count)[0]);
      break;
  }
  for (int a : np.adjectives) words.push_back(adjectives()[a].english);
  words.push_back(np.plural ? noun.english_plural : noun.english);
  return words;
}

const std::string& agree(const Adjective& a, Gender gender, bool plural) {
  if (gender == Gender::feminine) return plural ? a.feminine_plural : a.feminine;
  return plural ? a.masculine_plural : a.masculine;
}

Words french_noun_phrase(const NounPhrase& np) {
  const Noun& noun = nouns()[np.noun];
  const bool feminine = noun.gender == Gender::feminine;
  Words before, after;
  for (int i : np.adjectives) {
    const Adjective& a = adjectives()[i];
    (a.before_noun ? before : after).push_back(agree(a, noun.gender, np.plural));
    // beau, vieux, nouveau right before a masculine noun with a vowel sound: "le vieil arbre".
    if (a.before_noun && !feminine && !np.plural && !a.before_vowel.empty() &&
        starts_with_vowel_sound(noun.french))
      before.back() = a.before_vowel;
  }
  Words words;
  switch (np.determiner) {
    case Determiner::definite:
      words.push_back(np.plural ? "les" : feminine ? "la" : "le");
      break;
    // Careful French writes de, not des, before a plural adjective: "de petits chats".
    case Determiner::indefinite:
      words.push_back(np.plural ? (before.empty() ? "des" : "de") : feminine ? "une" : "un");
      break;
    case Determiner::demonstrative:
      words.push_back(np.plural ? "ces" : feminine ? "cette" : "ce");
      break;
    case Determiner::number:
      words.emplace_back(number_words(np.count)[1]);
      break;
  }
  words.insert(words.end(), before.begin(), before.end());
  words.push_back(np.plural ? noun.french_plural : noun.french);
  words.insert(words.end(), after.begin(), after.end());
  return words;
}

void append(Words& to, const Words& words) { to.insert(to.end(), words.begin(), words.end()); }

// A pronoun (35% of the time when persons may be the subject) or a noun phrase.
Subject draw_subject(Generator& rng, Draft& draft, std::uint32_t kinds, bool gendered_pronouns_only,
                     bool with_adjectives = true) {
  if ((kinds & kind::person) && chance(rng, 0.35)) {
    static const std::vector<int> all = {0, 1, 2, 3, 4, 5}, gendered = {2, 3, 5};  // he, she, they
    const Pronoun& p =
        pronouns()[static_cast<std::size_t>(pick(rng, gendered_pronouns_only ? gendered : all))];
    return {{p.english}, {p.french}, p.person, p.gender, p.plural, false, true, -1};
  }
  const int noun = pick(rng, nouns_of(kinds, draft.used_nouns));
  const NounPhrase np = draw_noun_phrase(rng, noun, Role::subject, draft, with_adjectives);
  return {english_noun_phrase(np),
          french_noun_phrase(np),
          np.plural ? ils : il,
          nouns()[noun].gender,
          np.plural,
          (nouns()[noun].kinds & kind::small) != 0,
          (nouns()[noun].kinds & (kind::person | kind::animal)) != 0,
          noun};
}

// "eats" / "does not eat", then "to" in "listen to"; "mange" / "ne mange pas", then "à" after aller.
void add_verb(Draft& draft, const Verb& verb, const Subject& subject, bool negated) {
  const bool third_singular = subject.person == il;
  if (negated)
    append(draft.english, {third_singular ? "does" : "do", "not", verb.english});
  else
    draft.english.push_back(third_singular ? verb.english_third_person : verb.english);
  if (!verb.english_particle.empty()) draft.english.push_back(verb.english_particle);
  if (negated)
    append(draft.french, {"ne", verb.french[subject.person], "pas"});
  else
    draft.french.push_back(verb.french[subject.person]);
  if (!verb.french_preposition.empty()) draft.french.push_back(verb.french_preposition);
}

// "am" / "is not"; "suis" / "n'est pas" (be takes no "do" in English).
void add_be(Draft& draft, const Subject& subject, bool negated) {
  draft.english.emplace_back(english_be[subject.person == je ? 0 : subject.person == il ? 2 : 1]);
  if (negated) draft.english.push_back("not");
  if (negated)
    append(draft.french, {"ne", verb_be().french[subject.person], "pas"});
  else
    draft.french.push_back(verb_be().french[subject.person]);
}

// "near the old tree" / "près du vieil arbre". Only small subjects fit in a box, a bag or a cup,
// and only living ones are "with" someone.
void add_place(Generator& rng, Draft& draft, const Subject& subject) {
  struct Preposition {
    std::string_view english;
    Words french;
    std::uint32_t kinds;
  };
  using namespace kind;
  static const std::array<Preposition, 6> prepositions = {{
      {"in", {"dans"}, inside},
      {"on", {"sur"}, surface},
      {"under", {"sous"}, cover},
      {"near", {"près", "de"}, object | plant | building | outdoors},
      {"behind", {"derrière"}, building | plant | cover | person | animal},
      {"with", {"avec"}, person | animal},  // last: left out for lifeless subjects
  }};
  const auto count = static_cast<std::int64_t>(prepositions.size()) - (subject.living ? 0 : 1);
  const Preposition& p = prepositions[static_cast<std::size_t>(rng.randint(0, count))];
  const std::uint32_t kinds = p.kinds | (subject.small && p.english == "in" ? container : 0);
  const NounPhrase np =
      draw_noun_phrase(rng, pick(rng, nouns_of(kinds, draft.used_nouns)), Role::place, draft);
  draft.english.emplace_back(p.english);
  append(draft.english, english_noun_phrase(np));
  append(draft.french, p.french);
  append(draft.french, french_noun_phrase(np));
}

// ---- the five patterns (four functions: "go to" is an object sentence with aller + à) ----

// "The cats eat the apple [in the garden]." and, with aller + à, "We go to the park."
void object_sentence(Generator& rng, Draft& draft, bool negated, VerbKind kind) {
  const int v = pick(rng, verbs_of(kind));
  const Verb& verb = verbs()[static_cast<std::size_t>(v)];
  const Subject subject = draw_subject(rng, draft, verb.subjects, false);
  const int object = pick(rng, nouns_of(verb.objects, draft.used_nouns));
  // After ne ... pas an indefinite direct object becomes "de" (pas de chat), so negated sentences
  // and verbs of liking take only "the" or "this" objects.
  const Role role = kind == VerbKind::motion               ? Role::destination
                    : negated || verb.definite_object_only ? Role::definite_object
                                                           : Role::object;
  const NounPhrase np = draw_noun_phrase(rng, object, role, draft);
  draft.combinations.verb_object.push_back({v, object});
  append(draft.english, subject.english);
  append(draft.french, subject.french);
  add_verb(draft, verb, subject, negated);
  append(draft.english, english_noun_phrase(np));
  append(draft.french, french_noun_phrase(np));
  if (kind == VerbKind::transitive && chance(rng, 0.3)) add_place(rng, draft, subject);
}

void activity_sentence(Generator& rng, Draft& draft, bool negated) {
  const Verb& verb = verbs()[static_cast<std::size_t>(pick(rng, verbs_of(VerbKind::intransitive)))];
  const Subject subject = draw_subject(rng, draft, verb.subjects, false);
  append(draft.english, subject.english);
  append(draft.french, subject.french);
  add_verb(draft, verb, subject, negated);
  add_place(rng, draft, subject);
}

void description_sentence(Generator& rng, Draft& draft, bool negated) {
  using namespace kind;
  // "I am happy" is left out: French must know whether I is heureux or heureuse.
  const Subject subject = draw_subject(
      rng, draft, person | animal | produce | dish | drink | object | plant | building | outdoors, true,
      false);
  std::vector<int> fitting;
  for (int i = 0; i < static_cast<int>(adjectives().size()); ++i) {
    const Adjective& a = adjectives()[static_cast<std::size_t>(i)];
    if (!a.predicative) continue;
    if (subject.noun >= 0 ? fits(a, nouns()[static_cast<std::size_t>(subject.noun)])
                          : (a.applies_to & kind::person) != 0)
      fitting.push_back(i);
  }
  const int a = pick(rng, fitting);
  if (subject.noun >= 0) draft.combinations.adjective_noun.push_back({a, subject.noun});
  append(draft.english, subject.english);
  append(draft.french, subject.french);
  add_be(draft, subject, negated);
  draft.english.push_back(adjectives()[a].english);
  // A predicative adjective agrees but never takes bel/vieil: "l'arbre est vieux".
  draft.french.push_back(agree(adjectives()[a], subject.gender, subject.plural));
}

void location_sentence(Generator& rng, Draft& draft, bool negated) {
  using namespace kind;
  const Subject subject =
      draw_subject(rng, draft, person | animal | object | produce | dish | drink | plant, false);
  append(draft.english, subject.english);
  append(draft.french, subject.french);
  add_be(draft, subject, negated);
  add_place(rng, draft, subject);
}

}  // namespace

GeneratedPair generate_pair(Generator& rng) {
  Draft draft;
  const double pattern = rng.uniform();
  const bool negated = chance(rng, 0.3);
  if (pattern < 0.45)
    object_sentence(rng, draft, negated, VerbKind::transitive);
  else if (pattern < 0.60)
    activity_sentence(rng, draft, negated);
  else if (pattern < 0.72)
    description_sentence(rng, draft, negated);
  else if (pattern < 0.85)
    location_sentence(rng, draft, negated);
  else
    object_sentence(rng, draft, negated, VerbKind::motion);
  return {{english_spelling(draft.english), french_spelling(draft.french)}, draft.combinations};
}

}  // namespace sf::translator
