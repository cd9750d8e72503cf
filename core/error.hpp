// error.hpp: the exceptions scratchformer throws, and the one helper that builds their messages.
//
// Every broken rule is reported as "<op>: <what is wrong>", naming the shapes or values involved and
// the rule, for example
//     matmul: cannot multiply [3, 4] by [5, 2]: inner dimensions 4 and 5 differ
// Bad input never crashes or asserts: it throws one of the types below, and tests check the text.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace sf {

/// Base of every scratchformer exception.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
/// Shapes that break an op's rule (broadcasting, inner dimensions, view sizes).
class ShapeError : public Error {
 public:
  using Error::Error;
};
/// An axis or an index out of range.
class IndexError : public Error {
 public:
  using Error::Error;
};
/// A dtype an op does not accept, or two dtypes that do not match.
class TypeError : public Error {
 public:
  using Error::Error;
};
/// An argument with a bad value (a negative size, a probability outside [0, 1), ...).
class ValueError : public Error {
 public:
  using Error::Error;
};
/// Misuse of autograd: backward on a non-scalar, twice through a freed graph, in-place changes.
class AutogradError : public Error {
 public:
  using Error::Error;
};
/// A file that cannot be read or written, or whose contents are invalid (checkpoints, data).
class IOError : public Error {
 public:
  using Error::Error;
};

/// Streams every argument into one string: str("axis ", 3, " of ", shape).
template <class... Args>
std::string str(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

/// Throws E with the message str(args...). Used as: if (bad) fail<ShapeError>("add: ", ...);
template <class E = Error, class... Args>
[[noreturn]] void fail(const Args&... args) {
  throw E(str(args...));
}

}  // namespace sf
