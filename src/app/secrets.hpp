#pragma once

#include <filesystem>

#include "app/secret_file.hpp"

namespace webvox::app {

// The admin password kept in DATA_DIR/admin-password, generated on first use. Used only when
// none is configured.
SecretFile load_or_create_admin_password(const std::filesystem::path& data_dir);

// The join-token signing key (base64url, 256 bits) kept in DATA_DIR/token-key.
SecretFile load_or_create_token_key(const std::filesystem::path& data_dir);

}  // namespace webvox::app
