// atomic_file.hpp: writing a whole file so that a crash never leaves it half-written, and reading
// a whole file back. Binary-safe; used by checkpoints (safetensors.hpp) and meant for any file
// whose previous version must survive a failed save.
//
// How the write is made atomic (POSIX):
//   1. write everything to a new temporary file in the same directory ("<name>.tmp-<pid>-<n>"),
//   2. fsync it, so its bytes are on disk before anything points at them,
//   3. rename() it over the target: one step, so a reader sees the old file or the new one,
//   4. fsync the directory, so the rename itself survives a power cut.
// If any step fails the temporary file is removed, the old file is untouched, and sf::IOError
// names the path and the system's reason ("... : No space left on device").
//
// Each step first passes the fault point (fault_injection.hpp), where a test can make it fail.
//
// What it is not: a lock. Two processes saving the same path at once each produce a whole file,
// and the last rename wins.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sf::io {

/// Replaces the file at `path` with `bytes`, atomically (see above).
/// Example: sf::io::write_file_atomically("model.safetensors", bytes);
void write_file_atomically(const std::string& path, std::span<const std::byte> bytes);

/// The same for text.
/// Example: sf::io::write_file_atomically("loss.svg", svg_text);
void write_file_atomically(const std::string& path, std::string_view text);

/// Every byte of the file at `path`. Throws sf::IOError naming the path and the reason.
/// Example: std::vector<std::byte> bytes = sf::io::read_file("model.safetensors");
std::vector<std::byte> read_file(const std::string& path);

}  // namespace sf::io
