// atomic_file.cpp: temporary file, fsync, rename, fsync of the directory (see atomic_file.hpp).
// Plain POSIX calls rather than iostreams, because iostreams cannot fsync and hide errno.
#include "core/io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "core/io/fault_injection.hpp"

namespace sf::io {

namespace {

std::string reason(int error) { return std::strerror(error); }

/// Closes a descriptor when it goes out of scope (a failure path may throw at any point).
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  /// Closes now and reports close()'s error (0 on success): on NFS, a write error may surface here.
  int close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

/// Creates a temporary file beside `path` that did not exist before (O_EXCL), and returns its
/// descriptor and name. Permissions are 0666 minus the umask, as for any new file.
int create_temporary(const std::string& path, std::string& name) {
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    name = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

/// Writes all of `bytes`, retrying after short writes and signals. Returns 0 or an errno value.
int write_all(int fd, std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return 0;
}

/// fsync of the directory holding `path`, so that the rename is durable. File systems that
/// cannot sync a directory say EINVAL; there is nothing more to do on those.
int sync_directory(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return errno;
  if (::fsync(fd.get()) != 0 && errno != EINVAL) return errno;
  return 0;
}

}  // namespace

void write_file_atomically(const std::string& path, std::span<const std::byte> bytes) {
  file_operation("create a temporary file", path);
  std::string temporary;
  FileDescriptor fd(create_temporary(path, temporary));
  if (fd.get() < 0)
    fail<IOError>("cannot write '", path, "': cannot create a temporary file beside it: ", reason(errno));

  // Until the rename, any failure removes the temporary file and leaves `path` as it was.
  const auto abandon = [&](const char* step, int error) {
    if (fd.get() >= 0) fd.close();
    ::unlink(temporary.c_str());
    fail<IOError>("cannot write '", path, "': ", step, " failed: ", reason(error));
  };
  // Each step passes the fault point first (fault_injection.hpp): a test can stop the save there.
  file_operation("write", temporary);
  if (const int error = write_all(fd.get(), bytes)) abandon("writing", error);
  file_operation("fsync", temporary);
  if (::fsync(fd.get()) != 0) abandon("fsync", errno);
  file_operation("close", temporary);
  if (const int error = fd.close()) abandon("close", error);
  file_operation("rename", path);
  if (::rename(temporary.c_str(), path.c_str()) != 0) abandon("rename", errno);

  file_operation("sync the directory", path);
  if (const int error = sync_directory(path))
    fail<IOError>("wrote '", path, "' but could not sync its directory: ", reason(error));
}

void write_file_atomically(const std::string& path, std::string_view text) {
  write_file_atomically(path, std::as_bytes(std::span(text.data(), text.size())));
}

std::vector<std::byte> read_file(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail<IOError>("cannot read '", path, "': ", reason(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) fail<IOError>("cannot read '", path, "': ", reason(errno));
  if (S_ISDIR(info.st_mode)) fail<IOError>("cannot read '", path, "': it is a directory");

  // The size from fstat is only a hint (the file may change while we read): read until EOF.
  std::vector<std::byte> bytes(S_ISREG(info.st_mode) ? static_cast<std::size_t>(info.st_size) : 0);
  std::size_t used = 0;
  while (true) {
    if (used == bytes.size()) bytes.resize(bytes.size() + 65536);
    const ssize_t n = ::read(fd.get(), bytes.data() + used, bytes.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail<IOError>("cannot read '", path, "': ", reason(errno));
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  bytes.resize(used);
  return bytes;
}

}  // namespace sf::io
