// fault_injection.hpp: the one place where a test can make a file operation fail, to see what a
// crash or a full disk in the middle of a save leaves behind.
//
// Every step of core/io's atomic file write (create the temporary file, write, fsync, close, rename,
// sync the directory) first calls `file_operation()`, which counts it. Normally that is all it does.
// A test arms the point with a `FileFault`: the `at`-th operation from then on (counting only the
// operations on paths that contain `path_contains`) first runs the fault's action, once.
// The default action throws InjectedFault, so the operation never happens and the disk is left as
// a crash at that step would leave it: a temporary file may stay behind, and the file being
// replaced keeps its previous contents.
// Other actions: std::abort() (a real crash, in a child process), or anything else a test wants to
// happen at that moment (raising SIGINT, for instance), after which the operation proceeds.
//
//   {
//     sf::io::ArmedFault fault({.at = 3, .path_contains = "latest/"});
//     CHECK_THROWS_AS(optim::save_checkpoint(...), sf::io::InjectedFault);  // stopped at its 3rd step
//   }  // disarmed again
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/error.hpp"

namespace sf::io {

/// What an armed fault throws by default. An IOError, so code that handles I/O failures handles it.
class InjectedFault : public IOError {
 public:
  using IOError::IOError;
};

/// Which file operation fails, and how.
struct FileFault {
  std::int64_t at = 1;          // the at-th matching operation after arming (1 = the next one)
  std::string path_contains{};  // only operations on paths containing this count ("" = all)
  /// Runs just before the operation; if it returns, the operation proceeds.
  /// Empty: throw InjectedFault naming the operation and the path.
  std::function<void()> action{};
};

/// Called by core/io before each file operation: `what` names the step ("rename"), `path` its file.
void file_operation(const char* what, const std::string& path);

/// How many file operations have passed the point since the last reset (or arm), whether or not a
/// fault is armed: a test counts the steps of a save with reset, save, file_operations_counted().
std::int64_t file_operations_counted();
void reset_file_operation_count();

/// Arms the point with `fault` (replacing any armed one) and resets the count to 0.
void arm_file_fault(FileFault fault);
/// Disarms the point (the count goes on).
void disarm_file_fault();

/// Arms on construction and disarms on destruction, so a failing test leaves the point disarmed.
class ArmedFault {
 public:
  explicit ArmedFault(FileFault fault) { arm_file_fault(std::move(fault)); }
  ~ArmedFault() { disarm_file_fault(); }
  ArmedFault(const ArmedFault&) = delete;
  ArmedFault& operator=(const ArmedFault&) = delete;
};

}  // namespace sf::io
