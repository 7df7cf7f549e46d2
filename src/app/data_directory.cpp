#include "app/data_directory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace webvox::app {

void prepare_data_directory(const std::filesystem::path& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(directory, ec)) {
    fs::create_directories(directory, ec);
    if (ec) {
      throw std::runtime_error("data-dir " + directory.string() + " cannot be created: " +
                               ec.message());
    }
    fs::permissions(directory, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  if (!fs::is_directory(directory, ec)) {
    throw std::runtime_error("data-dir " + directory.string() + " is not a directory");
  }
  const auto probe = directory / ".webvox-write-test";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    throw std::runtime_error("data-dir " + directory.string() + " is not writable: " +
                             std::strerror(errno));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

}  // namespace webvox::app
