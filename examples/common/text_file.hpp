// text_file.hpp: writing a whole text file safely (SVG pictures, vocabulary files).
//
// The contents go to "<path>.tmp" first, which is then renamed over <path>, so a reader never sees
// a half-written file and a crash leaves the old file intact. This is not a general I/O layer.
#pragma once

#include <string>
#include <string_view>

namespace sf::files {

/// Writes `contents` to `path` through a temporary file and a rename. Throws sf::IOError naming
/// the path if the directory is missing, the disk is full or the rename fails.
/// Example: sf::files::write_atomically("loss.svg", svg_text);
void write_atomically(const std::string& path, std::string_view contents);

}  // namespace sf::files
