// translator_program.hpp: running the real translator program from a test (a header, so the test glob
// does not build it on its own). SF_TRANSLATOR_PATH is the program's path (tests/CMakeLists.txt).
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <utility>

namespace translator_program {

/// Runs the translator program with `args` (no shell quoting needed: single-quoted), returning its exit
/// status and what it wrote to standard error and output.
inline std::pair<int, std::string> run(const std::string& args) {
  std::fflush(nullptr);
  FILE* pipe = ::popen((std::string(SF_TRANSLATOR_PATH) + " " + args + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace translator_program
