// options.cpp: parsing and help text for the translator's command line.
#include "examples/translator/options.hpp"

#include <charconv>
#include <iostream>
#include <sstream>
#include <string_view>

#include "core/error.hpp"

namespace sf::translator {

Options::Options(std::string usage, std::string summary)
    : usage_(std::move(usage)), summary_(std::move(summary)) {}

Options& Options::add(const std::string& name, const std::string& value_name, const std::string& help,
                      const std::string& default_value) {
  order_.push_back(name);
  specs_[name] = {value_name, help, default_value, false};
  return *this;
}

Options& Options::add_flag(const std::string& name, const std::string& help) {
  order_.push_back(name);
  specs_[name] = {"", help, "", true};
  return *this;
}

bool Options::parse_unless_help(const std::vector<std::string>& args) {
  parse(args);
  if (specs_.count("help") == 0 || !flag("help")) return true;
  std::cout << help();
  return false;
}

void Options::parse(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0 || a.size() == 2) {
      positional_.push_back(a);
      continue;
    }
    const std::string_view body = std::string_view(a).substr(2);  // "name" or "name=value"
    const auto eq = body.find('=');
    const bool inline_value = eq != std::string_view::npos;
    const std::string name(body.substr(0, eq));
    std::string value(inline_value ? body.substr(eq + 1) : std::string_view());
    auto spec = specs_.find(name);
    if (spec == specs_.end()) fail<ValueError>("unknown option --", name, " (see --help)");
    if (spec->second.is_flag) {
      if (inline_value) fail<ValueError>("option --", name, " takes no value");
      values_.insert_or_assign(name, std::string("1"));
      continue;
    }
    if (!inline_value) {
      if (i + 1 == args.size())
        fail<ValueError>("option --", name, " needs a value (", spec->second.value_name, ")");
      value = args[++i];
    }
    values_.insert_or_assign(name, value);
  }
}

bool Options::given(const std::string& name) const { return values_.count(name) > 0; }

std::vector<std::string> Options::given_names() const {
  std::vector<std::string> names;
  for (const auto& [name, value] : values_) names.push_back(name);
  return names;
}

bool Options::flag(const std::string& name) const { return values_.count(name) > 0; }

std::string Options::text(const std::string& name) const {
  if (auto it = values_.find(name); it != values_.end()) return it->second;
  auto spec = specs_.find(name);
  if (spec == specs_.end()) fail<ValueError>("internal: no option named --", name);
  return spec->second.default_value;
}

std::int64_t Options::integer(const std::string& name, std::int64_t at_least) const {
  const std::string t = text(name);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size())
    fail<ValueError>("option --", name, " expects a whole number, got '", t, "'");
  if (v < at_least) fail<ValueError>("option --", name, " must be at least ", at_least, ", got ", v);
  return v;
}

double Options::number(const std::string& name) const {
  const std::string t = text(name);
  std::istringstream in(t);
  double v = 0;
  in >> v;
  if (t.empty() || !in.eof() || in.fail())
    fail<ValueError>("option --", name, " expects a number, got '", t, "'");
  return v;
}

std::string Options::help() const {
  std::ostringstream os;
  os << "usage: " << usage_ << "\n\n" << summary_ << "\n\noptions:\n";
  for (const std::string& name : order_) {
    const Spec& s = specs_.at(name);
    std::string left = "  --";  // built with += (GCC 12 warns falsely on a chain of string +)
    left += name;
    if (!s.is_flag) {
      left += ' ';
      left += s.value_name;
    }
    os << left << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << s.help;
    if (!s.default_value.empty()) os << " (default: " << s.default_value << ")";
    os << '\n';
  }
  return os.str();
}

}  // namespace sf::translator
