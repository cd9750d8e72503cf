// text_file.cpp: write to a temporary file, then rename it over the target (see text_file.hpp).
#include "examples/common/text_file.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/error.hpp"

namespace sf::files {

void write_atomically(const std::string& path, std::string_view contents) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) fail<IOError>("cannot write '", path, "': cannot create '", temporary, "'");
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) {
      out.close();
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      fail<IOError>("cannot write '", path, "': writing '", temporary, "' failed (disk full?)");
    }
  }
  // rename() replaces an existing file in one step on POSIX file systems.
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    fail<IOError>("cannot write '", path, "': ", error.message());
  }
}

}  // namespace sf::files
