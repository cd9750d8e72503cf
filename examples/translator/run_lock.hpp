// run_lock.hpp: one writer at a time in a run directory.
#pragma once

#include <filesystem>

namespace sf::translator {

/// The lock a writer holds on a run directory (flock on <dir>/run.lock, released when destroyed or
/// when the process dies). A second writer gets an IOError naming the directory and the holder's pid.
class RunLock {
 public:
  explicit RunLock(const std::filesystem::path& dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace sf::translator
