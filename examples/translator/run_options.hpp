// run_options.hpp: the command-line options of `translator train` that set a RunConfig field. Each
// option is bound to its field, so its default (shown by --help) is the field's default in
// RunConfig, written nowhere else.
#pragma once

#include <cstdint>

#include "examples/translator/options.hpp"
#include "examples/translator/run_config.hpp"

namespace sf::translator {

/// Adds an option for each RunConfig setting the command line can change, with its default from
/// `defaults`.
void add_run_options(Options& options, const RunConfig& defaults = {});

/// The longest sentence a bpe run's model takes unless --max-len says otherwise: subwords make
/// sentences longer than words do, and Multi30k's longest sentences are near 100 pieces.
inline constexpr std::int64_t kBpeMaxLen = 256;

/// `defaults`, with each setting given on the command line changed; then, unless given, the tokeniser
/// becomes "bpe" for files (--data, --src) and a bpe run's max_len kBpeMaxLen. Throws ValueError for a value
/// that is not a number or is out of range (as Options::integer and Options::number do).
RunConfig read_run_options(const Options& options, RunConfig defaults = {});

}  // namespace sf::translator
