// bpe_file.cpp: the tokeniser file. A text file, readable and diffable:
//
//   scratchformer-bpe 1                 format and version
//   checksum 9f1c2a3b4d5e6f70           FNV-1a 64 of every byte after this line
//   vocab_size 8000
//   characters 112
//   merges 7628
//   char 260 e                          one line per character: its id and the character
//   merge 372 260 296 es                one line per merge: the new id, the two ids it joins, the piece
//
// Pieces are written with bytes 0x00..0x20, 0x7F and '\' escaped as \xNN, so a line never holds a
// space or a line break of its own. Loading checks everything (version, counts, ids, pieces, checksum)
// and names the file and the line of the first problem.
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "text/bpe.hpp"
#include "text/utf8.hpp"

namespace sf::text {
namespace {

constexpr std::string_view magic = "scratchformer-bpe";
constexpr int format_version = 1;

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string hex64(std::uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string escape(std::string_view piece) {
  std::string out;
  for (const char c : piece) {
    const auto b = static_cast<std::uint8_t>(c);
    if (b <= 0x20 || b == 0x7F || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", b);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Reads the lines of a tokeniser file and reports problems as "<name>: line N: ...".
class Reader {
 public:
  Reader(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  [[noreturn]] void error(const std::string& what) const {
    fail<IOError>("bpe: ", name_, ": line ", line_, ": ", what);
  }
  [[noreturn]] void error_here(const std::string& what) const { fail<IOError>("bpe: ", name_, ": ", what); }

  // The next line's words; at the end of the text, an error saying what was expected.
  std::vector<std::string> next(const std::string& expected) {
    if (pos_ >= text_.size()) {
      ++line_;
      error(str("the file ends here, but ", expected, " was expected (truncated?)"));
    }
    const std::size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) {
      ++line_;
      error(str("the last line has no line break: the file was cut short while ", expected, " was expected"));
    }
    const std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    ++line_;
    std::vector<std::string> words;
    std::istringstream in{std::string(line)};
    for (std::string w; in >> w;) words.push_back(w);
    return words;
  }

  bool at_end() const { return pos_ >= text_.size(); }
  std::size_t position() const { return pos_; }
  int line() const { return line_; }

  std::int64_t number(const std::string& word) const {
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(word, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != word.size() || word.empty() || value < 0)
      error(str("'", word, "' is not a non-negative number"));
    return value;
  }

  std::string unescape(const std::string& word) const {
    std::string out;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (word[i] != '\\') {
        out.push_back(word[i]);
        continue;
      }
      const auto hex_digit = [](char h) { return std::isxdigit(static_cast<unsigned char>(h)) != 0; };
      if (i + 3 >= word.size() || word[i + 1] != 'x' || !hex_digit(word[i + 2]) || !hex_digit(word[i + 3]))
        error(str("'", word, "' has a malformed escape (expected \\xNN)"));
      const unsigned value = static_cast<unsigned>(std::stoul(word.substr(i + 2, 2), nullptr, 16));
      out.push_back(static_cast<char>(value));
      i += 3;
    }
    return out;
  }

 private:
  std::string_view text_;
  std::string name_;
  std::size_t pos_ = 0;
  int line_ = 0;
};

}  // namespace

std::string Bpe::to_text() const {
  std::ostringstream body;
  body << "vocab_size " << vocab_size() << "\ncharacters " << characters_.size() << "\nmerges "
       << merges_.size() << '\n';
  for (std::size_t i = 0; i < characters_.size(); ++i)
    body << "char " << first_character_id + static_cast<std::int64_t>(i) << ' '
         << escape(pieces_[static_cast<std::size_t>(first_character_id) + i]) << '\n';
  for (const Merge& m : merges_)
    body << "merge " << m.result << ' ' << m.left << ' ' << m.right << ' '
         << escape(pieces_[static_cast<std::size_t>(m.result)]) << '\n';
  const std::string b = body.str();
  return str(magic, ' ', format_version, "\nchecksum ", hex64(fnv1a64(b)), '\n', b);
}

Bpe Bpe::from_text(std::string_view text, const std::string& name) {
  Reader in(text, name);
  auto words = in.next("the header 'scratchformer-bpe 1'");
  if (words.size() != 2 || words[0] != magic)
    in.error(str("not a scratchformer BPE tokeniser file (the first line should be '", magic, ' ',
                 format_version, "')"));
  if (words[1] != std::to_string(format_version))
    in.error(str("format version ", words[1], " is not supported (this build reads version ", format_version,
                 ")"));
  words = in.next("'checksum <16 hex digits>'");
  if (words.size() != 2 || words[0] != "checksum" || words[1].size() != 16)
    in.error("expected 'checksum <16 hex digits>'");
  const std::string stated = words[1];
  const std::size_t body_start = in.position();

  const auto header = [&](const char* key) {
    const auto w = in.next(str("'", key, " <number>'"));
    if (w.size() != 2 || w[0] != key) in.error(str("expected '", key, " <number>'"));
    return in.number(w[1]);
  };
  const std::int64_t vocab = header("vocab_size"), n_chars = header("characters"),
                     n_merges = header("merges");
  if (n_chars > 0x110000) in.error(str("characters ", n_chars, " is more than Unicode has (1,114,112)"));
  if (n_merges > (std::int64_t{1} << 30)) in.error(str("merges ", n_merges, " is more than 2^30"));
  if (vocab != first_character_id + n_chars + n_merges)
    in.error(str("vocab_size ", vocab, " is not ", first_character_id, " + ", n_chars, " characters + ",
                 n_merges, " merges"));

  std::vector<char32_t> characters;
  for (std::int64_t i = 0; i < n_chars; ++i) {
    const std::string expected = str("character ", i + 1, " of ", n_chars, " ('char <id> <character>')");
    const auto w = in.next(expected);
    if (w.size() != 3 || w[0] != "char") in.error("expected " + expected);
    if (in.number(w[1]) != first_character_id + i)
      in.error(str("character id ", w[1], " should be ", first_character_id + i));
    const std::string piece = in.unescape(w[2]);
    char32_t c = 0;
    if (piece.empty() || utf8_sequence(piece, 0, c) != piece.size())
      in.error(str("'", w[2], "' is not exactly one valid UTF-8 character"));
    characters.push_back(c);
  }
  std::vector<Merge> merges;
  std::vector<std::string> pieces;  // of characters and merges, to check each merge's piece
  for (const char32_t c : characters) pieces.push_back(encode_utf8(std::u32string(1, c)));
  for (std::int64_t i = 0; i < n_merges; ++i) {
    const std::string expected =
        str("merge ", i + 1, " of ", n_merges, " ('merge <id> <left> <right> <piece>')");
    const auto w = in.next(expected);
    if (w.size() != 5 || w[0] != "merge") in.error("expected " + expected);
    const std::int64_t id = first_character_id + n_chars + i;
    if (in.number(w[1]) != id) in.error(str("merge id ", w[1], " should be ", id));
    const std::int64_t left = in.number(w[2]), right = in.number(w[3]);
    if (left < first_character_id || right < first_character_id || left >= id || right >= id)
      in.error(str("merge ", id, " joins ", left, " and ", right,
                   ": each must be a character or an earlier merge (", first_character_id, "..", id - 1,
                   ")"));
    std::string piece = pieces[static_cast<std::size_t>(left - first_character_id)] +
                        pieces[static_cast<std::size_t>(right - first_character_id)];
    if (in.unescape(w[4]) != piece)
      in.error(str("merge ", id, " writes piece '", w[4], "' but its ids make '", piece, "'"));
    merges.push_back(
        {static_cast<std::int32_t>(left), static_cast<std::int32_t>(right), static_cast<std::int32_t>(id)});
    pieces.push_back(std::move(piece));
  }
  if (!in.at_end()) {
    in.next("");
    in.error(str("unexpected text after the ", n_merges, " merges the header announces"));
  }
  const std::string actual = hex64(fnv1a64(text.substr(body_start)));
  if (actual != stated)
    in.error_here(str("checksum mismatch: the file says ", stated, " but its contents give ", actual,
                      " (the file is corrupt or was edited)"));
  try {
    return Bpe(std::move(characters), std::move(merges));
  } catch (const ValueError& e) {
    in.error_here(e.what());
  }
}

void Bpe::save(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::binary);
  if (!out) fail<IOError>("bpe: cannot write ", path.string());
  out << to_text();
  out.flush();
  if (!out) fail<IOError>("bpe: writing ", path.string(), " failed");
}

Bpe Bpe::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail<IOError>("bpe: cannot open ", path.string());
  std::ostringstream contents;
  contents << in.rdbuf();
  return from_text(contents.str(), path.string());
}

}  // namespace sf::text
