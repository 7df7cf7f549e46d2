#pragma once

#include <filesystem>
#include <string>

namespace webvox::app {

struct AdminPassword {
  std::string value;
  std::filesystem::path file;
  bool generated = false;  // true: made just now, so the operator must be told once
};

// The admin password kept in DATA_DIR/admin-password (mode 0600), generated on first use.
// Used only when none is configured.
AdminPassword load_or_create_admin_password(const std::filesystem::path& data_dir);

}  // namespace webvox::app
