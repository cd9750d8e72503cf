// parallel_files.hpp: parallel text as two files, one sentence per line, line i of the second the
// translation of line i of the first (Multi30k's train.en / train.fr, WMT's test sets).
#pragma once

#include <string>
#include <vector>

#include "examples/translator/sentence_pair.hpp"

namespace sf::translator {

/// The pairs of the two files, in order. A final "\r" (Windows line ends) is removed; nothing else
/// changes. Throws sf::IOError for a file that cannot be read, and sf::ValueError naming the file and
/// line for invalid UTF-8 or for files with different numbers of lines.
std::vector<SentencePair> read_parallel_files(const std::string& source_path, const std::string& target_path);

/// The whole text of a file (core/io's read_file): IOError naming the path and the reason, a
/// directory included. `who` ("Vocab::load"), if given, begins the message.
std::string file_text(const std::string& path, const std::string& who = "");

/// The lines of one file the same way (a translation's input, a list of references).
std::vector<std::string> read_lines(const std::string& path);

}  // namespace sf::translator
