// options.hpp: the translator's command-line options: `--name value` or `--name=value`, flags,
// positional arguments, typed getters, and the --help text, with clear errors for anything else.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sf::translator {

class Options {
 public:
  /// `usage` is the first line of the help ("translator train [options]"), `summary` the next.
  Options(std::string usage, std::string summary);

  /// An option taking a value, with its default ("" = none).
  Options& add(const std::string& name, const std::string& value_name, const std::string& help,
               const std::string& default_value = "");
  /// An option without a value (false unless given).
  Options& add_flag(const std::string& name, const std::string& help);

  /// Parses the arguments after the subcommand. Throws sf::ValueError naming an unknown option, a
  /// missing value, or a value given to a flag. Arguments not starting with -- are positional.
  void parse(const std::vector<std::string>& args);
  /// parse(args); then, if the command's --help flag was given, prints help() to standard output and
  /// returns false (the command has nothing more to do). Usage: `if (!o.parse_unless_help(args)) return 0;`
  bool parse_unless_help(const std::vector<std::string>& args);

  bool given(const std::string& name) const;     // set on the command line (not just defaulted)
  std::vector<std::string> given_names() const;  // every option set on the command line
  bool flag(const std::string& name) const;
  std::string text(const std::string& name) const;
  /// Typed values; sf::ValueError if the text is not a number (or below `at_least`).
  std::int64_t integer(const std::string& name, std::int64_t at_least = INT64_MIN) const;
  double number(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

  /// The --help text: usage, summary, and every option with its default.
  std::string help() const;

 private:
  struct Spec {
    std::string value_name, help, default_value;
    bool is_flag = false;
  };
  std::string usage_, summary_;
  std::vector<std::string> order_;
  std::map<std::string, Spec> specs_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

}  // namespace sf::translator
