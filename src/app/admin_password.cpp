#include "app/admin_password.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "core/secure_random.hpp"

namespace webvox::app {

AdminPassword load_or_create_admin_password(const std::filesystem::path& data_dir) {
  AdminPassword password;
  password.file = data_dir / "admin-password";
  if (std::ifstream in{password.file}) {
    std::getline(in, password.value);
    if (password.value.empty()) {
      throw std::runtime_error(password.file.string() + " is empty; delete it to get a new password");
    }
    return password;
  }
  password.value = core::random_url_token(18);
  password.generated = true;
  // O_EXCL: never overwrite a password another process just wrote.
  const int fd = ::open(password.file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot write " + password.file.string() + ": " + std::strerror(errno));
  }
  const std::string line = password.value + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) throw std::runtime_error("cannot write " + password.file.string());
  return password;
}

}  // namespace webvox::app
