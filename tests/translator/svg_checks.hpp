// svg_checks.hpp: a small well-formedness check for the SVG tests (a header, so the test glob
// does not build it on its own): tags balance, and every & starts an entity.
#pragma once

#include <string>
#include <vector>

namespace svg_checks {

/// Empty if `svg` is well formed in the ways our writer can get wrong; otherwise what is wrong.
inline std::string problems(const std::string& svg) {
  std::vector<std::string> open;
  for (std::size_t i = 0; i < svg.size(); ++i) {
    if (svg[i] == '&') {
      const std::size_t semicolon = svg.find(';', i);
      const std::string entity = svg.substr(i, semicolon == std::string::npos ? 1 : semicolon - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" &&
          entity != "&apos;")
        return "bad entity at byte " + std::to_string(i);
    }
    if (svg[i] == '>' && (i == 0 || svg.rfind('<', i) == std::string::npos))
      return "stray > at byte " + std::to_string(i);
    if (svg[i] != '<') continue;
    const std::size_t end = svg.find('>', i);
    if (end == std::string::npos) return "unclosed tag at byte " + std::to_string(i);
    const std::string tag = svg.substr(i + 1, end - i - 1);
    if (tag.find('<') != std::string::npos) return "< inside a tag at byte " + std::to_string(i);
    if (tag.starts_with("/")) {
      if (open.empty() || open.back() != tag.substr(1)) return "unbalanced </" + tag.substr(1) + ">";
      open.pop_back();
    } else if (!tag.ends_with("/")) {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
    i = end;
  }
  return open.empty() ? "" : "unclosed <" + open.back() + ">";
}

}  // namespace svg_checks
