#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace webvox::app {

struct SecretFile {
  std::string value;
  std::filesystem::path file;
  bool generated = false;  // made just now
};

// The first line of `file` (mode 0600), or, if the file does not exist, a value from
// `generate` written there first (never overwriting one another process just wrote).
// Throws std::runtime_error if the file is empty or cannot be read or written.
SecretFile load_or_create_secret(const std::filesystem::path& file,
                                 const std::function<std::string()>& generate);

}  // namespace webvox::app
