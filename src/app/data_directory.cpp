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
      throw std::runtime_error("data-dir " + directory.string() +
                               " cannot be created: " + ec.message());
    }
    fs::permissions(directory, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  if (!fs::is_directory(directory, ec)) {
    throw std::runtime_error("data-dir " + directory.string() + " is not a directory");
  }
  // Write (and sync) real data: creating an empty file succeeds on a full disk, and the
  // database would then fail later with a message that names no folder.
  const auto probe = directory / ".webvox-write-test";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    throw std::runtime_error("data-dir " + directory.string() +
                             " is not writable: " + std::strerror(errno));
  }
  static constexpr std::size_t kProbeBytes = 64 * 1024;
  const std::string block(kProbeBytes, '\0');
  errno = 0;
  const bool written =
      ::write(fd, block.data(), block.size()) == static_cast<ssize_t>(block.size()) &&
      ::fsync(fd) == 0;
  const int write_errno = errno;
  ::close(fd);
  ::unlink(probe.c_str());
  if (!written) {
    throw std::runtime_error(
        "data-dir " + directory.string() + " is not writable: " +
        (write_errno == 0 ? std::string("short write") : std::string(std::strerror(write_errno))) +
        " (writing " + probe.string() + ")");
  }
}

}  // namespace webvox::app
