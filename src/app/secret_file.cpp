#include "app/secret_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace webvox::app {

SecretFile load_or_create_secret(const std::filesystem::path& file,
                                 const std::function<std::string()>& generate) {
  SecretFile secret{{}, file, false};
  if (std::ifstream in{file}) {
    std::getline(in, secret.value);
    if (secret.value.empty()) {
      throw std::runtime_error(file.string() + " is empty; delete it to have a new one made");
    }
    return secret;
  }
  secret.value = generate();
  secret.generated = true;
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
  const std::string line = secret.value + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) throw std::runtime_error("cannot write " + file.string());
  return secret;
}

}  // namespace webvox::app
