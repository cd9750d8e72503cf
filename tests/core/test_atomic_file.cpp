// Tests for core/io/atomic_file.cpp: a write replaces the whole file or nothing, leaves no
// temporary files behind, and reports failures with the path and the system's reason; and for
// core/io/fault_injection.cpp, the point where a test stops a write at one of its steps.
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "core/io/atomic_file.hpp"
#include "core/io/fault_injection.hpp"
#include "support.hpp"

using namespace sf;
namespace fs = std::filesystem;
using test::TempDir;

namespace {

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_SUITE("checkpoints") {
  TEST_CASE("atomic write: every byte value round-trips, and a second write replaces the first") {
    TempDir dir;
    const std::string path = dir / "blob.bin";
    std::vector<std::byte> bytes;
    for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<std::byte>(i));
    io::write_file_atomically(path, bytes);
    CHECK(io::read_file(path) == bytes);
    io::write_file_atomically(path, std::string_view("short"));
    CHECK(contents(path) == "short");
    CHECK(dir.files() == std::vector<std::string>{"blob.bin"});
    io::write_file_atomically(path, std::string_view());
    CHECK(io::read_file(path).empty());
  }

  TEST_CASE("atomic write: a missing directory is reported with the path and the reason") {
    TempDir dir;
    const std::string path = dir / "no/such/dir/x.bin";
    CHECK(test::message_of<IOError>([&] { io::write_file_atomically(path, std::string_view("x")); }) ==
          "cannot write '" + path + "': cannot create a temporary file beside it: No such file or directory");
  }

  TEST_CASE("atomic write: when the rename fails the target and the directory are left as they were") {
    TempDir dir;
    const std::string path = dir / "taken";
    fs::create_directory(path);  // a directory where the file should go: rename() refuses
    CHECK(test::message_of<IOError>([&] { io::write_file_atomically(path, std::string_view("x")); }) ==
          "cannot write '" + path + "': rename failed: Is a directory");
    CHECK(fs::is_directory(path));
    CHECK(dir.files() == std::vector<std::string>{"taken"});  // the temporary file was removed
  }

  TEST_CASE("atomic write: a disk that fills up mid-write leaves the previous file intact") {
    TempDir dir;
    const std::string path = dir / "checkpoint.bin";
    io::write_file_atomically(path, std::string_view("the previous checkpoint"));
    // Simulate a full disk: a file-size limit of 1 KiB makes write() fail with EFBIG (the signal
    // it would also raise is ignored for the duration).
    rlimit old_limit{};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = old_limit;
    limit.rlim_cur = 1024;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &limit) == 0);
    const std::string message = test::message_of<IOError>(
        [&] { io::write_file_atomically(path, std::vector<std::byte>(1 << 20, std::byte{7})); });
    ::setrlimit(RLIMIT_FSIZE, &old_limit);
    std::signal(SIGXFSZ, old_handler);
    CHECK(message == "cannot write '" + path + "': writing failed: File too large");
    CHECK(contents(path) == "the previous checkpoint");
    CHECK(dir.files() == std::vector<std::string>{"checkpoint.bin"});
  }

  TEST_CASE("read_file: missing files and directories are errors naming the path") {
    TempDir dir;
    CHECK(test::message_of<IOError>([&] { io::read_file(dir / "absent"); }) ==
          "cannot read '" + (dir / "absent") + "': No such file or directory");
    CHECK(test::message_of<IOError>([&] { io::read_file(dir.path.string()); }) ==
          "cannot read '" + dir.path.string() + "': it is a directory");
  }

  TEST_CASE("fault point: a write passes it six times; a fault at the rename keeps the old file") {
    TempDir dir;
    const std::string path = dir / "checkpoint.bin";
    io::write_file_atomically(path, std::string_view("the previous checkpoint"));
    io::reset_file_operation_count();
    io::write_file_atomically(path, std::string_view("again"));
    CHECK(io::file_operations_counted() == 6);  // create, write, fsync, close, rename, sync the directory
    {
      const io::ArmedFault fault({.at = 5});
      const std::string expected = "injected fault: file operation 5 (rename '" + path + "')";
      CHECK_THROWS_WITH_AS(io::write_file_atomically(path, std::string_view("new")), expected.c_str(),
                           io::InjectedFault);
    }
    CHECK(contents(path) == "again");  // as a crash before the rename leaves it
    CHECK(dir.files().size() == 2);    // and the temporary file, which a crash does not remove
    io::write_file_atomically(path, std::string_view("disarmed"));  // the fault fired once; now gone
    CHECK(contents(path) == "disarmed");
  }

  TEST_CASE("fault point: only matching paths count, an action may let the operation go on") {
    TempDir dir;
    int fired = 0;
    {
      const io::ArmedFault fault({.at = 2, .path_contains = "b.txt", .action = [&] { ++fired; }});
      io::write_file_atomically(dir / "a.txt", std::string_view("a"));  // does not count
      CHECK(fired == 0);
      io::write_file_atomically(dir / "b.txt", std::string_view("b"));  // its 2nd step fires
      CHECK(fired == 1);
      io::write_file_atomically(dir / "b.txt", std::string_view("b"));  // fires only once
      CHECK(fired == 1);
    }
    CHECK(contents(dir / "b.txt") == "b");
    CHECK_THROWS_WITH_AS(io::arm_file_fault({.at = 0}), "arm_file_fault: 'at' counts from 1, got 0",
                         ValueError);
  }
}
