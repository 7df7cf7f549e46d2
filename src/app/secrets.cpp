#include "app/secrets.hpp"

#include "base/secure_random.hpp"

namespace webvox::app {

SecretFile load_or_create_admin_password(const std::filesystem::path& data_dir) {
  return load_or_create_secret(data_dir / "admin-password",
                               [] { return base::random_url_token(18); });
}

SecretFile load_or_create_token_key(const std::filesystem::path& data_dir) {
  return load_or_create_secret(data_dir / "token-key", [] { return base::random_url_token(32); });
}

}  // namespace webvox::app
