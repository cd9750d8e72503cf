// fault_injection.cpp: the counter and the armed fault behind file_operation() (see the header).
#include "core/io/fault_injection.hpp"

#include <mutex>
#include <optional>

namespace sf::io {

namespace {

// One fault point for the whole program; a mutex because saves may run on any thread.
struct FaultPoint {
  std::mutex mutex;
  std::int64_t counted = 0;   // every operation
  std::int64_t matching = 0;  // operations matching the armed fault's path, since arming
  std::optional<FileFault> armed;
};

FaultPoint& point() {
  static FaultPoint p;
  return p;
}

}  // namespace

void file_operation(const char* what, const std::string& path) {
  FaultPoint& p = point();
  std::function<void()> action;
  std::int64_t number = 0;
  {
    const std::lock_guard lock(p.mutex);
    number = ++p.counted;
    if (!p.armed || path.find(p.armed->path_contains) == std::string::npos) return;
    if (++p.matching != p.armed->at) return;
    action = p.armed->action;
    p.armed.reset();  // fires once
  }
  if (!action) fail<InjectedFault>("injected fault: file operation ", number, " (", what, " '", path, "')");
  action();
}

std::int64_t file_operations_counted() {
  const std::lock_guard lock(point().mutex);
  return point().counted;
}

void reset_file_operation_count() {
  const std::lock_guard lock(point().mutex);
  point().counted = 0;
}

void arm_file_fault(FileFault fault) {
  if (fault.at < 1) fail<ValueError>("arm_file_fault: 'at' counts from 1, got ", fault.at);
  FaultPoint& p = point();
  const std::lock_guard lock(p.mutex);
  p.armed = std::move(fault);
  p.counted = 0;
  p.matching = 0;
}

void disarm_file_fault() {
  const std::lock_guard lock(point().mutex);
  point().armed.reset();
}

}  // namespace sf::io
