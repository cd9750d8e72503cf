// lexicon.cpp: the word tables (see lexicon.hpp). Irregular forms are written out in full; only
// regular -er verbs are conjugated by rule.
#include "examples/translator/lexicon.hpp"

#include "core/error.hpp"

namespace sf::translator {
namespace {

using namespace kind;
constexpr Gender m = Gender::masculine;
constexpr Gender f = Gender::feminine;

// Kinds shared by whole groups of nouns.
constexpr std::uint32_t pet = animal | small | washable;
constexpr std::uint32_t fruit = produce | small | portable | washable;
constexpr std::uint32_t room = building | inside | visitable | destination;

/// Present tense of a regular -er verb: "aimer" → aime, aimes, aime, aimons, aimez, aiment.
/// A stem ending in g keeps its soft sound before -ons with an extra e: nous mangeons.
std::array<std::string, 6> regular_er(const std::string& infinitive) {
  const std::string stem = infinitive.substr(0, infinitive.size() - 2);
  const std::string nous_stem = stem.back() == 'g' ? stem + "e" : stem;
  return {stem + "e", stem + "es", stem + "e", nous_stem + "ons", stem + "ez", stem + "ent"};
}

}  // namespace

const std::vector<Noun>& nouns() {
  static const std::vector<Noun> table = {
      {"man", "men", "homme", "hommes", m, person},
      {"woman", "women", "femme", "femmes", f, person},
      {"boy", "boys", "garçon", "garçons", m, person | child},
      {"girl", "girls", "fille", "filles", f, person | child},
      {"father", "fathers", "père", "pères", m, person | family},
      {"mother", "mothers", "mère", "mères", f, person | family},
      {"brother", "brothers", "frère", "frères", m, person | family},
      {"sister", "sisters", "sœur", "sœurs", f, person | family},
      {"uncle", "uncles", "oncle", "oncles", m, person | family},
      {"aunt", "aunts", "tante", "tantes", f, person | family},
      {"cat", "cats", "chat", "chats", m, pet},
      {"dog", "dogs", "chien", "chiens", m, animal | washable},
      {"bird", "birds", "oiseau", "oiseaux", m, pet},
      {"horse", "horses", "cheval", "chevaux", m, animal | washable},
      {"mouse", "mice", "souris", "souris", f, pet},
      {"cow", "cows", "vache", "vaches", f, animal},
      {"duck", "ducks", "canard", "canards", m, pet},
      {"rabbit", "rabbits", "lapin", "lapins", m, pet},
      {"elephant", "elephants", "éléphant", "éléphants", m, animal},
      {"owl", "owls", "hibou", "hiboux", m, pet},
      {"frog", "frogs", "grenouille", "grenouilles", f, pet},
      {"apple", "apples", "pomme", "pommes", f, fruit},
      {"orange", "oranges", "orange", "oranges", f, fruit},
      {"banana", "bananas", "banane", "bananes", f, fruit},
      {"tomato", "tomatoes", "tomate", "tomates", f, fruit},
      {"carrot", "carrots", "carotte", "carottes", f, fruit},
      {"cake", "cakes", "gâteau", "gâteaux", m, dish | small | portable},
      {"sandwich", "sandwiches", "sandwich", "sandwichs", m, dish | small | portable},
      {"pie", "pies", "tarte", "tartes", f, dish | small | portable},
      {"soup", "soups", "soupe", "soupes", f, dish | uncountable},
      {"water", "waters", "eau", "eaux", f, drink | uncountable},
      {"milk", "milks", "lait", "laits", m, drink | uncountable},
      {"coffee", "coffees", "café", "cafés", m, drink | uncountable},
      {"tea", "teas", "thé", "thés", m, drink | uncountable},
      {"juice", "juices", "jus", "jus", m, drink | uncountable},
      {"book", "books", "livre", "livres", m, object | readable | openable | portable | small},
      {"letter", "letters", "lettre", "lettres", f, object | readable | openable | portable | small},
      {"newspaper", "newspapers", "journal", "journaux", m, object | readable | portable | small},
      {"car", "cars", "voiture", "voitures", f, object | openable | washable | cover | inside},
      {"table", "tables", "table", "tables", f, object | washable | surface | cover},
      {"chair", "chairs", "chaise", "chaises", f, object | washable | surface | cover | portable},
      {"bed", "beds", "lit", "lits", m, object | washable | surface | cover},
      {"ball", "balls", "ballon", "ballons", m, object | portable | washable | small},
      {"key", "keys", "clé", "clés", f, object | portable | small},
      {"box", "boxes", "boîte", "boîtes", f, object | openable | portable | container | small},
      {"bag", "bags", "sac", "sacs", m, object | openable | portable | container | small},
      {"hat", "hats", "chapeau", "chapeaux", m, object | portable | small},
      {"umbrella", "umbrellas", "parapluie", "parapluies", m, object | openable | portable | cover},
      {"window", "windows", "fenêtre", "fenêtres", f, object | openable | washable},
      {"door", "doors", "porte", "portes", f, object | openable | washable},
      {"bike", "bikes", "vélo", "vélos", m, object | washable | surface},
      {"computer", "computers", "ordinateur", "ordinateurs", m, object | portable},
      {"cup", "cups", "tasse", "tasses", f, object | washable | portable | container | small},
      {"tree", "trees", "arbre", "arbres", m, plant | cover},
      {"flower", "flowers", "fleur", "fleurs", f, plant | portable | small},
      {"house", "houses", "maison", "maisons", f, building | inside | visitable},
      {"school", "schools", "école", "écoles", f, room},
      {"station", "stations", "gare", "gares", f, building | inside | destination},
      {"museum", "museums", "musée", "musées", m, room},
      {"church", "churches", "église", "églises", f, room},
      {"hospital", "hospitals", "hôpital", "hôpitaux", m, building | inside | destination},
      {"restaurant", "restaurants", "restaurant", "restaurants", m, building | inside | destination},
      {"kitchen", "kitchens", "cuisine", "cuisines", f, building | inside | destination},
      {"garden", "gardens", "jardin", "jardins", m, outdoors | inside | visitable | destination},
      {"park", "parks", "parc", "parcs", m, outdoors | inside | visitable | destination},
      {"forest", "forests", "forêt", "forêts", f, outdoors | inside | visitable},
      {"beach", "beaches", "plage", "plages", f, outdoors | surface | destination},
      {"river", "rivers", "rivière", "rivières", f, outdoors | inside | destination},
      {"city", "cities", "ville", "villes", f, outdoors | inside | visitable},
      {"market", "markets", "marché", "marchés", m, outdoors | inside | visitable | destination},
  };
  return table;
}

bool fits(const Adjective& adjective, const Noun& noun) {
  return (adjective.applies_to & noun.kinds) && !(adjective.excludes & noun.kinds);
}

const std::vector<Adjective>& adjectives() {
  constexpr std::uint32_t things = object | plant | building | outdoors;
  static const std::vector<Adjective> table = {
      // Before the noun in French (size, beauty, age, goodness).
      {"small", "petit", "petite", "petits", "petites", "", true, false,
       person | animal | produce | dish | things},
      {"big", "grand", "grande", "grands", "grandes", "", true, false, animal | things},
      // Not with family: "le beau frère", "la belle mère" read as beau-frère, belle-mère (in-laws).
      {"beautiful", "beau", "belle", "beaux", "belles", "bel", true, false,
       person | animal | produce | things, family},
      {"pretty", "joli", "jolie", "jolis", "jolies", "", true, false, person | animal | things},
      // Not with children: "une vieille fille" is a spinster.
      {"old", "vieux", "vieille", "vieux", "vieilles", "vieil", true, false, person | animal | things, child},
      {"young", "jeune", "jeune", "jeunes", "jeunes", "", true, false, person | animal | plant},
      // Only before the noun: after "is", new is neuf ("la voiture est neuve"), a word of its own.
      {"new", "nouveau", "nouvelle", "nouveaux", "nouvelles", "nouvel", true, false, object | building, 0,
       false},
      {"good", "bon", "bonne", "bons", "bonnes", "", true, false, produce | dish | drink},
      // After the noun: colours and the rest.
      {"black", "noir", "noire", "noirs", "noires", "", false, true, animal | object | building},
      {"white", "blanc", "blanche", "blancs", "blanches", "", false, true, animal | object | building},
      {"grey", "gris", "grise", "gris", "grises", "", false, true, animal | object | building},
      {"red", "rouge", "rouge", "rouges", "rouges", "", false, true, produce | object | building},
      {"green", "vert", "verte", "verts", "vertes", "", false, true, produce | object | building | plant},
      {"yellow", "jaune", "jaune", "jaunes", "jaunes", "", false, true, produce | object | building},
      {"blue", "bleu", "bleue", "bleus", "bleues", "", false, true, object | building},
      {"happy", "heureux", "heureuse", "heureux", "heureuses", "", false, false, person | animal},
      {"sad", "triste", "triste", "tristes", "tristes", "", false, false, person | animal},
      {"tired", "fatigué", "fatiguée", "fatigués", "fatiguées", "", false, false, person | animal},
      {"hot", "chaud", "chaude", "chauds", "chaudes", "", false, false, dish | drink},
      {"cold", "froid", "froide", "froids", "froides", "", false, false, dish | drink},
      {"clean", "propre", "propre", "propres", "propres", "", false, false, animal | things},
      {"dirty", "sale", "sale", "sales", "sales", "", false, false, animal | things},
  };
  return table;
}

const std::vector<Verb>& verbs() {
  using V = VerbKind;
  constexpr std::uint32_t living = person | animal;
  constexpr std::uint32_t food = produce | dish;
  constexpr std::uint32_t concrete = living | food | object | plant | building | outdoors;
  static const std::vector<Verb> table = {
      {"like", "likes", "", regular_er("aimer"), "", V::transitive, living, concrete | drink, true},
      {"see",
       "sees",
       "",
       {"vois", "vois", "voit", "voyons", "voyez", "voient"},
       "",
       V::transitive,
       living,
       concrete,
       false},
      {"watch", "watches", "", regular_er("regarder"), "", V::transitive, living,
       living | object | plant | building, false},
      {"eat", "eats", "", regular_er("manger"), "", V::transitive, living, food, false},
      {"drink",
       "drinks",
       "",
       {"bois", "bois", "boit", "buvons", "buvez", "boivent"},
       "",
       V::transitive,
       living,
       drink,
       false},
      {"buy",
       "buys",
       "",
       {"achète", "achètes", "achète", "achetons", "achetez", "achètent"},
       "",
       V::transitive,
       person,
       food | drink | object | plant | animal,
       false},
      {"want",
       "wants",
       "",
       {"veux", "veux", "veut", "voulons", "voulez", "veulent"},
       "",
       V::transitive,
       living,
       food | drink | object | animal,
       false},
      {"have",
       "has",
       "",
       {"ai", "as", "a", "avons", "avez", "ont"},
       "",
       V::transitive,
       living,
       food | object | animal | family,
       false},
      {"read",
       "reads",
       "",
       {"lis", "lis", "lit", "lisons", "lisez", "lisent"},
       "",
       V::transitive,
       person,
       readable,
       false},
      {"write",
       "writes",
       "",
       {"écris", "écris", "écrit", "écrivons", "écrivez", "écrivent"},
       "",
       V::transitive,
       person,
       readable,
       false},
      {"open",
       "opens",
       "",
       {"ouvre", "ouvres", "ouvre", "ouvrons", "ouvrez", "ouvrent"},
       "",
       V::transitive,
       person,
       openable,
       false},
      {"close", "closes", "", regular_er("fermer"), "", V::transitive, person, openable, false},
      {"carry", "carries", "", regular_er("porter"), "", V::transitive, person, portable, false},
      {"look", "looks", "for", regular_er("chercher"), "", V::transitive, living, living | portable | food,
       false},
      {"find", "finds", "", regular_er("trouver"), "", V::transitive, living, living | portable | food,
       false},
      {"draw", "draws", "", regular_er("dessiner"), "", V::transitive, person,
       living | produce | object | plant | building, false},
      {"wash", "washes", "", regular_er("laver"), "", V::transitive, person, washable, false},
      {"call",
       "calls",
       "",
       {"appelle", "appelles", "appelle", "appelons", "appelez", "appellent"},
       "",
       V::transitive,
       person,
       living,
       false},
      {"listen", "listens", "to", regular_er("écouter"), "", V::transitive, living, living, false},
      {"visit", "visits", "", regular_er("visiter"), "", V::transitive, person, visitable, false},
      {"make",
       "makes",
       "",
       {"fais", "fais", "fait", "faisons", "faites", "font"},
       "",
       V::transitive,
       person,
       dish,
       false},
      {"take",
       "takes",
       "",
       {"prends", "prends", "prend", "prenons", "prenez", "prennent"},
       "",
       V::transitive,
       person,
       portable | food,
       false},
      {"sleep",
       "sleeps",
       "",
       {"dors", "dors", "dort", "dormons", "dormez", "dorment"},
       "",
       V::intransitive,
       living,
       0,
       false},
      {"play", "plays", "", regular_er("jouer"), "", V::intransitive, living, 0, false},
      {"work", "works", "", regular_er("travailler"), "", V::intransitive, person, 0, false},
      {"sing", "sings", "", regular_er("chanter"), "", V::intransitive, person, 0, false},
      {"dance", "dances", "", regular_er("danser"), "", V::intransitive, person, 0, false},
      {"walk", "walks", "", regular_er("marcher"), "", V::intransitive, living, 0, false},
      {"run",
       "runs",
       "",
       {"cours", "cours", "court", "courons", "courez", "courent"},
       "",
       V::intransitive,
       living,
       0,
       false},
      {"wait",
       "waits",
       "",
       {"attends", "attends", "attend", "attendons", "attendez", "attendent"},
       "",
       V::intransitive,
       living,
       0,
       false},
      {"live", "lives", "", regular_er("habiter"), "", V::intransitive, living, 0, false},
      {"go",
       "goes",
       "to",
       {"vais", "vas", "va", "allons", "allez", "vont"},
       "à",
       V::motion,
       living,
       destination,
       false},
  };
  return table;
}

const std::vector<Pronoun>& pronouns() {
  // "you" is always tu and "they" always ils (French's choice for a group of unknown gender), so
  // that every English sentence has exactly one translation.
  static const std::vector<Pronoun> table = {
      {"I", "je", je, m, false},     {"you", "tu", tu, m, false},   {"he", "il", il, m, false},
      {"she", "elle", il, f, false}, {"we", "nous", nous, m, true}, {"they", "ils", ils, m, true},
  };
  return table;
}

const Verb& verb_be() {
  static const Verb be = {"be",
                          "is",
                          "",
                          {"suis", "es", "est", "sommes", "êtes", "sont"},
                          "",
                          VerbKind::intransitive,
                          kind::person | kind::animal,
                          0,
                          false};
  return be;
}

std::array<std::string_view, 2> number_words(int n) {
  static constexpr std::array<std::array<std::string_view, 2>, 9> table = {{
      {"two", "deux"},
      {"three", "trois"},
      {"four", "quatre"},
      {"five", "cinq"},
      {"six", "six"},
      {"seven", "sept"},
      {"eight", "huit"},
      {"nine", "neuf"},
      {"ten", "dix"},
  }};
  if (n < 2 || n > 10) fail<ValueError>("number_words: only 2..10 are in the lexicon, got ", n);
  return table[static_cast<std::size_t>(n - 2)];
}

bool starts_with_vowel_sound(std::string_view word) {
  // Words of the lexicon that begin with an aspirated h: French writes "le hibou" and "de huit".
  static constexpr std::array<std::string_view, 3> aspirated_h = {"hibou", "hiboux", "huit"};
  for (std::string_view w : aspirated_h)
    if (word == w) return false;
  static constexpr std::array<std::string_view, 15> vowels = {"a", "e", "i", "o", "u", "h", "à", "â",
                                                              "é", "è", "ê", "î", "ô", "û", "œ"};
  for (std::string_view v : vowels)
    if (word.starts_with(v)) return true;
  return false;
}

bool english_takes_an(std::string_view word) {
  return !word.empty() && std::string_view("aeiou").find(word.front()) != std::string_view::npos;
}

}  // namespace sf::translator
