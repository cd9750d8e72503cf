// tsv.cpp: the line reader, the checks of tsv.hpp and the seeded split.
#include "examples/translator/tsv.hpp"

#include <fstream>
#include <istream>
#include <sstream>
#include <string_view>

#include "core/error.hpp"
#include "core/random.hpp"
#include "examples/translator/parallel_files.hpp"
#include "text/utf8.hpp"

namespace sf::translator {
namespace {

// Reads one line into `line`, keeping at most `limit` + 1 bytes so that a huge line cannot use
// memory; `too_long` tells whether bytes were dropped. Returns false at the end of the stream.
bool read_line(std::istream& in, std::string& line, std::int64_t limit, bool& too_long) {
  line.clear();
  too_long = false;
  std::streambuf* buffer = in.rdbuf();
  bool any = false;
  for (int c = buffer->sbumpc(); c != std::char_traits<char>::eof(); c = buffer->sbumpc()) {
    any = true;
    if (c == '\n') return true;
    if (static_cast<std::int64_t>(line.size()) < limit + 1)
      line.push_back(static_cast<char>(c));
    else
      too_long = true;
  }
  return any;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void note(std::int64_t& count, std::int64_t& first, std::int64_t line) {
  if (count++ == 0) first = line;
}

// FNV-1a (Fowler, Noll, Vo), 64-bit: a byte-order-independent hash of the sentence.
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) h = (h ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ULL;
  return h;
}

}  // namespace

TsvData read_tsv(std::istream& in, const TsvConfig& config) {
  if (config.max_line_bytes < 1)
    fail<ValueError>("read_tsv: max_line_bytes must be positive, got ", config.max_line_bytes);
  TsvData data;
  TsvStats& s = data.stats;
  std::string line;
  bool too_long = false;
  while (read_line(in, line, config.max_line_bytes, too_long)) {
    ++s.lines;
    if (!line.empty() && line.back() == '\r' && !too_long) line.pop_back();
    if (s.lines == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // byte-order mark
    if (too_long || static_cast<std::int64_t>(line.size()) > config.max_line_bytes) {
      note(s.too_long, s.first_too_long, s.lines);
    } else if (trim(line).empty()) {
      ++s.blank;
    } else if (!text::is_valid_utf8(line)) {
      note(s.invalid_utf8, s.first_invalid_utf8, s.lines);
    } else if (line.find('\t') == std::string::npos) {
      note(s.no_tab, s.first_no_tab, s.lines);
    } else {
      const std::string_view view = line;
      const std::size_t tab = view.find('\t');
      const std::size_t second_tab = view.find('\t', tab + 1);
      const std::string_view source = trim(view.substr(0, tab));
      const std::string_view target = trim(view.substr(
          tab + 1, second_tab == std::string_view::npos ? std::string_view::npos : second_tab - tab - 1));
      if (source.empty() || target.empty()) {
        note(s.empty_side, s.first_empty_side, s.lines);
      } else {
        data.pairs.push_back({std::string(source), std::string(target)});
        ++s.pairs;
      }
    }
  }
  return data;
}

TsvData read_tsv(const std::string& path, const TsvConfig& config) {
  std::istringstream in(file_text(path, "read_tsv"));
  return read_tsv(in, config);
}

std::string describe(const TsvStats& s) {
  std::string text = str("read ", s.lines, " lines: ", s.pairs, " pairs");
  if (s.skipped() == 0) return text + ", nothing skipped";
  text += str("; skipped ", s.skipped(), ":");
  const auto part = [&](std::int64_t count, const char* what, std::int64_t first) {
    if (count == 0) return;
    text += str(" ", count, " ", what);
    if (first > 0) text += str(" (first on line ", first, ")");
    text += ",";
  };
  part(s.blank, "blank", 0);
  part(s.no_tab, "without a tab", s.first_no_tab);
  part(s.empty_side, "with an empty side", s.first_empty_side);
  part(s.invalid_utf8, "with invalid UTF-8", s.first_invalid_utf8);
  part(s.too_long, "too long", s.first_too_long);
  text.pop_back();
  return text;
}

TrainValidation split_by_source(const std::vector<SentencePair>& pairs, double validation_fraction,
                                std::uint64_t seed) {
  if (!(validation_fraction >= 0.0 && validation_fraction <= 1.0))
    fail<ValueError>("split_by_source: validation_fraction must be in [0, 1], got ", validation_fraction);
  TrainValidation split;
  for (const SentencePair& p : pairs) {
    // A generator seeded by (seed, sentence) gives a uniform number that depends on nothing else.
    Generator rng(seed ^ fnv1a(p.source));
    (rng.uniform() < validation_fraction ? split.validation : split.train).push_back(p);
  }
  return split;
}

}  // namespace sf::translator
