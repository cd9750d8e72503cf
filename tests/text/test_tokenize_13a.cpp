// Tests for text/tokenize_13a: each rule of sacreBLEU's 13a tokeniser on a case worked out by hand from
// its regular expressions (sacrebleu/tokenizers/tokenizer_13a.py and tokenizer_re.py).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "text/tokenize_13a.hpp"

using namespace sf::text;

TEST_SUITE("ch14-bleu") {
  TEST_CASE("13a: symbols and brackets are split off, apostrophes and hyphens stay") {
    CHECK(tokenize_13a("Le chat (noir) dort.") == "Le chat ( noir ) dort .");
    CHECK(tokenize_13a("It wasn't \"surprising\"!") == "It wasn't \" surprising \" !");
    CHECK(tokenize_13a("l'homme, peut-être; oui?") == "l'homme , peut-être ; oui ?");
    CHECK(tokenize_13a("a/b@c") == "a / b @ c");
  }

  TEST_CASE("13a: period and comma stay inside numbers, a dash after a digit is split") {
    CHECK(tokenize_13a("3.5 and 1,000 people, end.") == "3.5 and 1,000 people , end .");
    CHECK(tokenize_13a("x.y") == "x . y");
    CHECK(tokenize_13a(".5") == ". 5");  // a period with no digit before it
    CHECK(tokenize_13a("1990-2000") == "1990 - 2000");
    CHECK(tokenize_13a("a-b") == "a-b");
  }

  TEST_CASE("13a: SGML leftovers and line breaks") {
    CHECK(tokenize_13a("&quot;Hi&quot; &amp; bye &lt;3") == "\" Hi \" & bye < 3");
    CHECK(tokenize_13a("<skipped>word") == "word");
    CHECK(tokenize_13a("hyphen-\nated line\nbreak") == "hyphenated line break");
  }

  TEST_CASE("13a: Python's whitespace separates tokens, the no-break space included") {
    CHECK(tokenize_13a("  Bonjour\u00A0!\u202F\t ") == "Bonjour !");
    CHECK(tokenize_13a("") == "");
    CHECK(split_whitespace(" a\u3000b \n c ") == std::vector<std::string>{"a", "b", "c"});
    CHECK_THROWS_AS((void)tokenize_13a("bad \xFF"), sf::ValueError);
  }
}
