#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "app/http_routes.hpp"
#include "core/account_service.hpp"
#include "core/admin_auth.hpp"
#include "core/channel_service.hpp"
#include "core/credential_throttle.hpp"
#include "store/sqlite_account_repository.hpp"
#include "store/sqlite_admin_session_repository.hpp"
#include "store/sqlite_channel_repository.hpp"
#include "store/sqlite_database.hpp"
#include "vivox/vivox_api.hpp"

namespace webvox::test_support {

// The whole provisioning stack as webvoxd wires it, on an in-memory (or given) SQLite
// database, without sockets. Password hashing is cheap here; its cost is tested apart.
struct VivoxStack {
  static constexpr std::string_view kAdminUser = "opensim-admin";
  static constexpr std::string_view kAdminPassword = "s3cret-Pass";
  static constexpr std::string_view kRealm = "voice.example.org";

  explicit VivoxStack(const std::string& database_path = ":memory:");

  // Answers a request target exactly as webvoxd would (HTTP status and body).
  http::Response get(std::string_view target);
  // Signs the admin in and returns the token.
  std::string sign_in();

  store::SqliteDatabase database;
  store::SqliteAccountRepository account_repository{database};
  store::SqliteAdminSessionRepository session_repository{database};
  store::SqliteChannelRepository channel_repository{database};
  base::PasswordHasher hasher{1};
  core::CredentialThrottle throttle;
  core::AdminAuth admin{
      session_repository, {std::string(kAdminUser), std::string(kAdminPassword)}, throttle};
  core::AccountService accounts{account_repository, hasher};
  core::ChannelService channels{channel_repository};
  vivox::VivoxApi api{{admin, accounts, channels}, std::string(kRealm)};
  app::HttpRoutes routes{api, nullptr, nullptr};
};

}  // namespace webvox::test_support
