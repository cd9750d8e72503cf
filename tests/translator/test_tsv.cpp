// Tests for examples/translator/tsv: good lines, bad lines counted by kind, the seeded split.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "examples/translator/tsv.hpp"

using namespace sf::translator;

namespace {

TsvData read(const std::string& text, TsvConfig config = {}) {
  std::istringstream in(text);
  return read_tsv(in, config);
}

}  // namespace

TEST_SUITE("ch13-translator") {
  TEST_CASE("tsv: pairs - with extra columns - CRLF and a byte-order mark") {
    const TsvData data = read(
        "\xEF\xBB\xBFGo.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org\n"
        "Hi.\tSalut.\r\n"
        "I'm a student.\tJe suis étudiant.");  // no final newline
    REQUIRE(data.pairs.size() == 3);
    CHECK(data.pairs[0] == SentencePair{"Go.", "Va !"});
    CHECK(data.pairs[1] == SentencePair{"Hi.", "Salut."});
    CHECK(data.pairs[2] == SentencePair{"I'm a student.", "Je suis étudiant."});
    CHECK(data.stats.skipped() == 0);
    CHECK(describe(data.stats) == "read 3 lines: 3 pairs, nothing skipped");
  }

  TEST_CASE("tsv: malformed lines are counted by kind - with the first line of each") {
    const std::string long_line = "a\t" + std::string(100, 'b');
    const TsvData data = read(
        "Go.\tVa !\n"             // 1 good
        "no tab here\n"           // 2 no tab
        "   \n"                   // 3 blank
        "\tSalut.\n"              // 4 empty source
        "Hi.\t  \tattribution\n"  // 5 empty target
        "Caf\xC3\tCafé\n"         // 6 invalid UTF-8
            + long_line +
            "\n"               // 7 too long
            "Run!\tCours !\n"  // 8 good
            "\n",              // 9 blank
        {.max_line_bytes = 50});
    const TsvStats& s = data.stats;
    CHECK(s.lines == 9);
    CHECK(s.pairs == 2);
    CHECK(s.no_tab == 1);
    CHECK(s.first_no_tab == 2);
    CHECK(s.blank == 2);
    CHECK(s.empty_side == 2);
    CHECK(s.first_empty_side == 4);
    CHECK(s.invalid_utf8 == 1);
    CHECK(s.too_long == 1);
    CHECK(s.first_too_long == 7);
    CHECK(describe(s) ==
          "read 9 lines: 2 pairs; skipped 7: 2 blank, 1 without a tab (first on line 2), 2 with an "
          "empty side (first on line 4), 1 with invalid UTF-8 (first on line 6), 1 too long (first on "
          "line 7)");
  }

  TEST_CASE("tsv: a huge line without a newline is skipped - not kept") {
    const TsvData data = read(std::string(1 << 20, 'x'), {.max_line_bytes = 4096});
    CHECK(data.stats.too_long == 1);
    CHECK(data.pairs.empty());
  }

  TEST_CASE("tsv: a missing file is an IOError naming it") {
    CHECK_THROWS_WITH_AS(read_tsv("/nonexistent/pairs.tsv"),
                         "read_tsv: cannot read '/nonexistent/pairs.tsv': No such file or directory",
                         sf::IOError);
    const std::string dir = std::filesystem::temp_directory_path().string();  // not a file: a clear error
    CHECK_THROWS_WITH_AS(read_tsv(dir), ("read_tsv: cannot read '" + dir + "': it is a directory").c_str(),
                         sf::IOError);
  }

  TEST_CASE("tsv: the split is seeded - keeps one source on one side and keeps file order") {
    std::vector<SentencePair> pairs;
    for (int i = 0; i < 1000; ++i)
      pairs.push_back({"sentence " + std::to_string(i % 250), "phrase " + std::to_string(i)});
    const TrainValidation a = split_by_source(pairs, 0.2, 7), b = split_by_source(pairs, 0.2, 7);
    CHECK(a.train == b.train);
    CHECK(a.train.size() + a.validation.size() == 1000);
    CHECK(a.validation.size() > 120);  // 0.2 of 250 sources, 4 pairs each: about 200
    CHECK(a.validation.size() < 280);
    std::set<std::string> train_sources;
    for (const SentencePair& t : a.train) train_sources.insert(t.source);
    for (const SentencePair& v : a.validation) CHECK_FALSE(train_sources.count(v.source));
    CHECK(split_by_source(pairs, 0.2, 8).validation != a.validation);
    CHECK(split_by_source(pairs, 0.0, 7).validation.empty());
    CHECK_THROWS_WITH_AS(split_by_source(pairs, 1.5, 7), doctest::Contains("validation_fraction"),
                         sf::ValueError);
  }

  TEST_CASE("samples of translations skip an English sentence already shown") {
    const std::vector<SentencePair> pairs{{"Cheers!", "Santé !"},
                                          {"Cheers!", "À votre santé !"},
                                          {"Fire!", "Au feu !"},
                                          {"Cheers!", "Tchin-tchin !"},
                                          {"Help me.", "Aide-moi."}};
    CHECK(first_distinct_sources(pairs, 2) == std::vector<std::size_t>{0, 2});
    CHECK(first_distinct_sources(pairs, 9) == std::vector<std::size_t>{0, 2, 4});
    CHECK(first_distinct_sources({}, 3).empty());
  }
}
