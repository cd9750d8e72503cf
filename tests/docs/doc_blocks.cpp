// doc_blocks.cpp: parsing chapters and extracting the code and output they include.
#include "doc_blocks.hpp"

#include <fstream>
#include <sstream>

namespace sf::docs {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> read_lines(const fs::path& file, bool& ok) {
  std::ifstream in(file);
  ok = static_cast<bool>(in);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  return out;
}

/// A directive and the fenced block after it.
struct Block {
  std::string kind;  // "include" or "output"
  std::string file;  // repository-relative path
  std::string name;  // marker or section ("" = whole file)
  std::size_t directive_line = 0;
  std::size_t open = 0, close = 0;  // line numbers of the fences (0-based)
  bool has_block = false;
};

/// Parses "<!-- include path:name -->" or "<!-- output path[:name] -->"; false if the line is not one.
bool parse_directive(const std::string& line, Block& b) {
  if (line.rfind("<!--", 0) != 0 || line.size() < 7 || line.compare(line.size() - 3, 3, "-->") != 0)
    return false;
  std::istringstream words(line.substr(4, line.size() - 7));
  std::string kind, spec, extra;
  if (!(words >> kind >> spec) || (words >> extra) || (kind != "include" && kind != "output")) return false;
  const auto colon = spec.find(':');
  b.kind = kind;
  b.file = spec.substr(0, colon);
  b.name = colon == std::string::npos ? "" : spec.substr(colon + 1);
  return true;
}

/// Finds every directive; `fences` lists every fenced block as (open, close, language).
std::vector<Block> parse(const std::vector<std::string>& lines,
                         std::vector<std::tuple<std::size_t, std::size_t, std::string>>& fences) {
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string t = trim(lines[i]);
    if (Block b; parse_directive(t, b)) {
      b.directive_line = i;
      std::size_t j = i + 1;
      while (j < lines.size() && trim(lines[j]).empty()) ++j;
      if (j < lines.size() && trim(lines[j]).rfind("```", 0) == 0) {
        std::size_t k = j + 1;
        while (k < lines.size() && trim(lines[k]) != "```") ++k;
        if (k < lines.size()) {
          b.open = j;
          b.close = k;
          b.has_block = true;
        }
      }
      blocks.push_back(b);
    }
    if (t.rfind("```", 0) == 0 && t.size() >= 3) {
      const std::string lang = trim(t.substr(3));
      std::size_t k = i + 1;
      while (k < lines.size() && trim(lines[k]) != "```") ++k;
      fences.emplace_back(i, k, lang);
      i = k;
    }
  }
  return blocks;
}

Extract extract(const fs::path& root, const Block& b) {
  return b.kind == "include" ? source_region(root / b.file, b.name) : output_section(root / b.file, b.name);
}

}  // namespace

Extract source_region(const fs::path& file, const std::string& name) {
  bool ok = false;
  const auto lines = read_lines(file, ok);
  if (!ok) return {false, "", "cannot read " + file.string()};
  const std::string open = "// [doc:" + name + "]", close = "// [doc:end]";
  std::size_t i = 0;
  while (i < lines.size() && trim(lines[i]) != open) ++i;
  if (i == lines.size()) return {false, "", "marker " + open + " not found in " + file.string()};
  std::vector<std::string> body;
  std::size_t j = i + 1;
  for (; j < lines.size() && trim(lines[j]) != close; ++j) body.push_back(lines[j]);
  if (j == lines.size())
    return {false, "", "marker " + open + " in " + file.string() + " has no // [doc:end]"};
  std::size_t indent = std::string::npos;
  for (const auto& l : body)
    if (!trim(l).empty()) indent = std::min(indent, l.find_first_not_of(" \t"));
  for (auto& l : body) l = trim(l).empty() ? "" : l.substr(indent == std::string::npos ? 0 : indent);
  return {true, join(body), ""};
}

Extract output_section(const fs::path& file, const std::string& name) {
  bool ok = false;
  const auto lines = read_lines(file, ok);
  if (!ok) return {false, "", "cannot read " + file.string()};
  if (name.empty()) return {true, join(lines), ""};
  const std::string header = "=== " + name + " ===";
  std::size_t i = 0;
  while (i < lines.size() && lines[i] != header) ++i;
  if (i == lines.size()) return {false, "", "section '" + header + "' not found in " + file.string()};
  std::vector<std::string> body;
  for (std::size_t j = i + 1; j < lines.size() && lines[j].rfind("=== ", 0) != 0; ++j)
    body.push_back(lines[j]);
  while (!body.empty() && trim(body.back()).empty()) body.pop_back();
  return {true, join(body), ""};
}

std::vector<std::string> check_chapter(const fs::path& root, const fs::path& chapter) {
  std::vector<std::string> problems;
  bool ok = false;
  const auto lines = read_lines(chapter, ok);
  const std::string where = chapter.lexically_relative(root).string();
  if (!ok) return {"cannot read " + where};
  std::vector<std::tuple<std::size_t, std::size_t, std::string>> fences;
  const auto blocks = parse(lines, fences);
  std::vector<bool> covered(lines.size(), false);
  for (const Block& b : blocks) {
    const std::string at = where + ":" + std::to_string(b.directive_line + 1) + ": ";
    if (!b.has_block) {
      problems.push_back(at + "the " + b.kind + " directive is not followed by a fenced block");
      continue;
    }
    covered[b.open] = true;
    const Extract e = extract(root, b);
    if (!e.ok) {
      problems.push_back(at + e.error);
      continue;
    }
    std::vector<std::string> inside(lines.begin() + static_cast<std::ptrdiff_t>(b.open) + 1,
                                    lines.begin() + static_cast<std::ptrdiff_t>(b.close));
    if (join(inside) != e.text)
      problems.push_back(at + "the block from " + b.file + (b.name.empty() ? "" : ":" + b.name) +
                         " differs from its source; run ./run docs");
  }
  for (const auto& [open, close, lang] : fences) {
    const bool code = lang == "cpp" || lang == "c++" || lang == "text";
    if (code && !covered[open])
      problems.push_back(where + ":" + std::to_string(open + 1) + ": a ```" + lang +
                         " block without an include/output directive (chapters never paste code or output)");
  }
  // Local links and images must exist: every "](target)" outside code blocks.
  std::vector<bool> in_code(lines.size(), false);
  for (const auto& [open, close, lang] : fences)
    for (std::size_t k = open; k <= close && k < lines.size(); ++k) in_code[k] = true;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (in_code[i]) continue;
    for (auto at = lines[i].find("]("); at != std::string::npos; at = lines[i].find("](", at + 2)) {
      const auto end = lines[i].find(')', at + 2);
      if (end == std::string::npos) break;
      std::string target = lines[i].substr(at + 2, end - at - 2);
      target = target.substr(0, target.find('#'));
      if (target.empty() || target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0)
        continue;
      if (!fs::exists(chapter.parent_path() / target))
        problems.push_back(where + ":" + std::to_string(i + 1) + ": link to " + target +
                           ", which does not exist");
    }
  }
  return problems;
}

bool sync_chapter(const fs::path& root, const fs::path& chapter) {
  bool ok = false;
  auto lines = read_lines(chapter, ok);
  if (!ok) return false;
  std::vector<std::tuple<std::size_t, std::size_t, std::string>> fences;
  auto blocks = parse(lines, fences);
  bool changed = false;
  // Replace from the last block up, so earlier line numbers stay valid.
  for (auto b = blocks.rbegin(); b != blocks.rend(); ++b) {
    if (!b->has_block) continue;
    const Extract e = extract(root, *b);
    if (!e.ok) continue;
    std::vector<std::string> fresh;
    std::istringstream in(e.text);
    for (std::string l; std::getline(in, l);) fresh.push_back(l);
    std::vector<std::string> old(lines.begin() + static_cast<std::ptrdiff_t>(b->open) + 1,
                                 lines.begin() + static_cast<std::ptrdiff_t>(b->close));
    if (old == fresh) continue;
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(b->open) + 1,
                lines.begin() + static_cast<std::ptrdiff_t>(b->close));
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(b->open) + 1, fresh.begin(), fresh.end());
    changed = true;
  }
  if (changed) {
    std::ofstream out(chapter);
    for (const auto& l : lines) out << l << '\n';
  }
  return changed;
}

}  // namespace sf::docs
