// run_options.hpp: the command-line options of `translator train` that set a RunConfig field. Each
// option is bound to its field, so its default (shown by --help) is the field's default in
// RunConfig, written nowhere else.
#pragma once

#include "examples/translator/options.hpp"
#include "examples/translator/run_config.hpp"

namespace sf::translator {

/// Adds an option for each RunConfig setting the command line can change, with its default from
/// `defaults`.
void add_run_options(Options& options, const RunConfig& defaults = {});

/// `defaults`, with each setting given on the command line changed. Throws ValueError for a value
/// that is not a number or is out of range (as Options::integer and Options::number do).
RunConfig read_run_options(const Options& options, RunConfig defaults = {});

}  // namespace sf::translator
