// A chapter that writes `make_batches` or `Tensor::view` sends the reader looking for it in the code.
// This suite checks that every code symbol named in backticks in the docs (docs/, answers included,
// and README.md) exists somewhere in the source tree, as test_file_references.cpp does for file names.
//
// What counts as a symbol. A backticked span outside fenced code blocks counts when the whole span is
//   NAME, .NAME, NAME(ARGS) or .NAME(ARGS)
// where NAME is a C++ name, possibly qualified (`nn::MultiheadAttention`, `Adam::step`), or a dotted
// chain ending in a call (`model.parameters()`: its last name is checked), ARGS has balanced
// parentheses, and at least one of these holds:
//   - NAME has `::`, or the span is a call (ARGS given) or a member (`.contiguous()`);
//   - NAME has an underscore inside it (`make_batches`, `d_model`) or is camel case (a lower-case
//     letter followed by a capital: `MultiHeadAttention`, `linearFused`).
// Not symbols: plain words (`view`, `Tensor`), shapes (`[B, L, E]`), expressions (`x + y`), names in
// capitals only (environment variables, macros, CMake options), dotted names without a call
// (`torch.nn.Linear`, the state-dict key `self_attn.out_proj.weight`), and math set in code font:
// one letter, or `d` and a capital (a gradient such as `dW`), with an optional subscript of at most
// three characters (`x_i`, `A_ik`, `dW_1`, `d_out`).
//
// A symbol exists when every part of NAME between `::` appears as an identifier in one source file:
// C++ (.cpp, .hpp, .c, .h, outside // comments), or a script or CMake file (.py, .sh, .cmake,
// CMakeLists.txt, run; outside # comments). Names quoted on purpose that are not ours (PyTorch's, the
// lectures' code, a line an exercise asks to write) are listed in symbol_allowlist.txt, one per line:
// the name as the prose writes it (without its arguments), then the reason. An entry that no prose
// names, or that now exists in the source, fails too, so the list stays true.
#include <doctest/doctest.h>

#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support.hpp"

namespace fs = std::filesystem;
using sf::test::file_contents;
using sf::test::skipped_in_repository_walk;

namespace {

bool identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The identifiers of each source file, its comments left out.
std::vector<std::set<std::string>> source_identifiers(const fs::path& root) {
  std::vector<std::set<std::string>> files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && skipped_in_repository_walk(it->path().filename().string())) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    const std::string ext = it->path().extension().string(), name = it->path().filename().string();
    const bool c_like = ext == ".cpp" || ext == ".hpp" || ext == ".c" || ext == ".h";
    const bool script =
        ext == ".py" || ext == ".sh" || ext == ".cmake" || name == "CMakeLists.txt" || name == "run";
    if (!c_like && !script) continue;
    std::set<std::string> ids;
    std::istringstream in(file_contents(it->path()));
    std::string line;
    while (std::getline(in, line)) {
      const auto comment = line.find(c_like ? "//" : "#");
      if (comment != std::string::npos) line.resize(comment);
      for (std::size_t i = 0; i < line.size();) {
        if (!identifier_start(line[i]) || (i > 0 && identifier_char(line[i - 1]))) {
          ++i;
          continue;
        }
        std::size_t end = i;
        while (end < line.size() && identifier_char(line[end])) ++end;
        ids.insert(line.substr(i, end - i));
        i = end;
      }
    }
    files.push_back(std::move(ids));
  }
  return files;
}

// Reads one identifier at `i`; empty if there is none.
std::string identifier_at(const std::string& s, std::size_t& i) {
  if (i >= s.size() || !identifier_start(s[i])) return {};
  const std::size_t from = i;
  while (i < s.size() && identifier_char(s[i])) ++i;
  return s.substr(from, i - from);
}

bool math_notation(const std::string& name) {  // x_i, A_ik, dW, dW_1, d_out
  const std::size_t underscore = name.find('_');
  const std::string head = name.substr(0, underscore);
  const bool letter = head.size() == 1 && std::isalpha(static_cast<unsigned char>(head[0]));
  const bool gradient =
      head.size() == 2 && head[0] == 'd' && std::isupper(static_cast<unsigned char>(head[1]));
  if (!letter && !gradient) return false;
  if (underscore == std::string::npos) return true;
  const std::string sub = name.substr(underscore + 1);
  return !sub.empty() && sub.size() <= 3 && sub.find('_') == std::string::npos;
}

struct Symbol {
  std::string written;             // as the prose writes it, without its arguments ("Tensor::view")
  std::vector<std::string> parts;  // what must exist in one source file ({"Tensor", "view"})
};

// The symbol a backticked span names, by the rule at the top of this file.
std::optional<Symbol> symbol_in(const std::string& span) {
  std::size_t i = 0;
  const bool member = !span.empty() && span[0] == '.';
  if (member) ++i;
  std::vector<std::string> names;
  bool qualified = false, dotted = false;
  for (;;) {
    const std::string id = identifier_at(span, i);
    if (id.empty()) return std::nullopt;
    names.push_back(id);
    if (span.compare(i, 2, "::") == 0) {
      qualified = true;
      i += 2;
    } else if (i < span.size() && span[i] == '.' && i + 1 < span.size() && identifier_start(span[i + 1])) {
      dotted = true;
      ++i;
    } else {
      break;
    }
  }
  const std::string written = span.substr(member ? 1 : 0, i - (member ? 1 : 0));
  bool call = false;
  if (i < span.size()) {
    if (span[i] != '(' || span.back() != ')') return std::nullopt;
    int depth = 0;
    for (std::size_t j = i; j < span.size(); ++j) {
      depth += span[j] == '(' ? 1 : span[j] == ')' ? -1 : 0;
      if (depth == 0 && j + 1 < span.size()) return std::nullopt;  // `f(x) = …`: an equation
      if (depth < 0) return std::nullopt;
    }
    call = true;
  }
  if (qualified && dotted) return std::nullopt;
  if (dotted && !call) return std::nullopt;  // torch.nn.Linear, self_attn.out_proj.weight
  const std::string& last = names.back();
  bool capitals_only = true;
  for (char c : written) capitals_only &= !std::islower(static_cast<unsigned char>(c));
  if (capitals_only) return std::nullopt;
  if (!qualified && !dotted && math_notation(last)) return std::nullopt;
  bool underscore = false, camel = false;
  for (std::size_t j = 1; j + 1 < last.size(); ++j) underscore |= last[j] == '_';
  for (std::size_t j = 1; j < last.size(); ++j)
    camel |= std::islower(static_cast<unsigned char>(last[j - 1])) &&
             std::isupper(static_cast<unsigned char>(last[j]));
  if (!(qualified || call || member || underscore || camel)) return std::nullopt;
  return Symbol{written, dotted ? std::vector<std::string>{last} : names};
}

struct Named {
  std::string where;  // file:line
  Symbol symbol;
};

// Every symbol named in the backticked spans of a Markdown file, outside fenced blocks.
std::vector<Named> symbols_named_in(const fs::path& file, const fs::path& root) {
  std::vector<Named> out;
  std::istringstream in(file_contents(file));
  std::string line;
  bool fenced = false;
  for (int number = 1; std::getline(in, line); ++number) {
    const auto first = line.find_first_not_of(" \t>");
    if (first != std::string::npos && line.compare(first, 3, "```") == 0) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    for (std::size_t open = line.find('`'); open != std::string::npos;) {
      const std::size_t close = line.find('`', open + 1);
      if (close == std::string::npos) break;
      if (const auto s = symbol_in(line.substr(open + 1, close - open - 1)))
        out.push_back({fs::relative(file, root).string() + ":" + std::to_string(number), *s});
      open = line.find('`', close + 1);
    }
  }
  return out;
}

bool exists_in_source(const Symbol& s, const std::vector<std::set<std::string>>& sources) {
  for (const auto& ids : sources) {
    bool all = true;
    for (const std::string& part : s.parts) all &= ids.count(part) > 0;
    if (all) return true;
  }
  return false;
}

struct AllowEntry {
  int line;
  std::string reason;
};

}  // namespace

TEST_SUITE("docs") {
  TEST_CASE("the rule for what counts as a symbol") {
    const auto parts = [](const std::string& span) {
      const auto s = symbol_in(span);
      return s ? s->written : std::string("(not a symbol)");
    };
    CHECK(parts("make_batches") == "make_batches");
    CHECK(parts("Tensor::view") == "Tensor::view");
    CHECK(parts("nn::MultiheadAttention") == "nn::MultiheadAttention");
    CHECK(parts("combine_masks(...)") == "combine_masks");
    CHECK(parts("view({B, L, E})") == "view");
    CHECK(parts(".contiguous()") == "contiguous");
    CHECK(parts("model.parameters()") == "model.parameters");
    CHECK(parts("TransformerConfig") == "TransformerConfig");
    for (const char* not_a_symbol : {"view", "Tensor", "[B, L, E]", "x + y", "torch.nn.Linear",
                                     "self_attn.out_proj.weight", "SF_SOURCE_DIR", "x_i", "A_ik", "dW_1",
                                     "dW", "d_out", "sigmoid(x) = 1 / (1 + e^{-x})", "f(x) + g(x)", "0.1"})
      CHECK_MESSAGE(parts(not_a_symbol) == "(not a symbol)", not_a_symbol);
  }

  TEST_CASE("every code symbol named in the docs exists in the source tree, or is allow-listed") {
    const fs::path root = SF_SOURCE_DIR;
    const std::vector<std::set<std::string>> sources = source_identifiers(root);

    const fs::path allowlist_path = root / "tests/docs/symbol_allowlist.txt";
    std::map<std::string, AllowEntry> allowed;
    {
      std::istringstream in(file_contents(allowlist_path));
      std::string line;
      for (int number = 1; std::getline(in, line); ++number) {
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.find_first_of(" \t");
        const std::string name = line.substr(0, space);
        const auto reason = space == std::string::npos ? space : line.find_first_not_of(" \t", space);
        if (reason == std::string::npos)
          FAIL_CHECK("tests/docs/symbol_allowlist.txt:" << number << ": `" << name << "` has no reason");
        allowed[name] = {number, reason == std::string::npos ? "" : line.substr(reason)};
      }
    }

    std::vector<fs::path> docs = {root / "README.md"};
    for (const auto& e : fs::recursive_directory_iterator(root / "docs"))
      if (e.is_regular_file() && e.path().extension() == ".md") docs.push_back(e.path());

    std::set<std::string> used;
    int symbols = 0;
    for (const fs::path& doc : docs)
      for (const Named& n : symbols_named_in(doc, root)) {
        ++symbols;
        if (allowed.count(n.symbol.written)) {
          used.insert(n.symbol.written);
          continue;
        }
        if (!exists_in_source(n.symbol, sources))
          FAIL_CHECK(n.where << " names `" << n.symbol.written
                             << "`, which appears in no source file (fix the prose, or allow-list it with "
                                "a reason in tests/docs/symbol_allowlist.txt)");
      }
    CHECK(symbols > 300);  // the check really read the docs

    for (const auto& [name, entry] : allowed) {
      if (!used.count(name))
        FAIL_CHECK("tests/docs/symbol_allowlist.txt:" << entry.line << ": `" << name
                                                      << "` is named in no doc any more; remove it");
      else if (const auto s = symbol_in(name); s && exists_in_source(*s, sources))
        FAIL_CHECK("tests/docs/symbol_allowlist.txt:" << entry.line << ": `" << name
                                                      << "` exists in the source now; remove it");
    }
  }
}
