// support.hpp: small helpers shared by the test files.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include "core/core.hpp"

namespace sf::test {

using Inputs = std::vector<Tensor>;

/// True in the sanitizer builds (./run test sanitize and tsan; tests/CMakeLists.txt defines
/// SF_SANITIZER_BUILD there). The few tests that are long under the sanitizers run a smaller,
/// deterministic form of themselves when it is true, and say which; Release runs their full form.
#ifdef SF_SANITIZER_BUILD
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif

/// A float64 leaf with values uniform in [low, high), seeded: the usual input of a gradient check.
inline Tensor rand64(const Shape& shape, std::uint64_t seed, double low = -1.0, double high = 1.0) {
  Generator gen(seed);
  return uniform(shape, low, high, gen, {.dtype = kFloat64, .requires_grad = true});
}

/// n floats uniform in [-1, 1), seeded: the raw operands of the matrix-product tests.
inline std::vector<float> uniform_floats(std::int64_t n, std::uint64_t seed) {
  Generator g(seed);
  std::vector<float> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = 2.0f * g.uniform_float() - 1.0f;
  return v;
}

/// The whole of a file, byte for byte ("" when it cannot be read).
inline std::string file_contents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Whether a walk over the repository skips this folder: git's, builds and training runs.
inline bool skipped_in_repository_walk(const std::string& folder) {
  return folder == ".git" || folder == "build" || folder == "runs" || folder.rfind("build-", 0) == 0;
}

/// Checks every element of t against `expected` (row-major) within an absolute tolerance.
inline void check_values(const Tensor& t, const std::vector<double>& expected, double tol = 1e-4) {
  const std::vector<double> v = t.to_vector<double>();
  REQUIRE_MESSAGE(v.size() == expected.size(), "tensor has ", v.size(), " elements, expected ",
                  expected.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    CHECK_MESSAGE(std::fabs(v[i] - expected[i]) <= tol, "element ", i, " is ", v[i], ", expected ",
                  expected[i]);
}

/// True when both tensors hold exactly the same values (bit for bit, as doubles).
inline bool same_values(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.to_vector<double>() == b.to_vector<double>();
}

/// A fresh directory under the system's temporary folder, removed with everything in it at the end
/// of the test. Its name holds the process id and a counter, so tests that run at the same time (ctest
/// -j, or two builds) never share one.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("sf-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  /// The path of `name` inside the directory.
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  /// Names of the files in the directory, sorted (to see that no temporary file was left behind).
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path))
      out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

/// Writes `lines` to `path`, each ended by a newline (the parallel text files the translator reads).
inline void write_lines(const std::filesystem::path& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const std::string& line : lines) out << line << '\n';
}

/// The message of the exception of type E that f throws ("" if it throws none).
template <class E = Error, class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

}  // namespace sf::test

/// Runs sf::gradcheck and fails the test with its report (op, input, element, values) if it fails.
#define CHECK_GRADCHECK(...)                              \
  do {                                                    \
    const auto sf_result_ = ::sf::gradcheck(__VA_ARGS__); \
    CHECK_MESSAGE(sf_result_.passed, sf_result_.report);  \
  } while (0)
