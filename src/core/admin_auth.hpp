#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/admin_session_repository.hpp"

namespace webvox::core {

struct AdminCredentials {
  std::string user;
  std::string password;
};

// What a presented admin token is worth; each maps to one Vivox error code.
enum class TokenCheck {
  Valid,
  Missing,    // empty or absent             -> 202
  Unknown,    // never issued by this server -> 212
  SignedOut,  // issued, then signed out     -> 201
};

// Admin sign-in for the region module. One token per sign-in, no expiry (the module
// cannot recover from an expired token), durable, and signing out ends only that token.
class AdminAuth {
 public:
  static constexpr std::size_t kMaxTokenLength = 256;

  AdminAuth(AdminSessionRepository& sessions, AdminCredentials credentials);

  // Constant-time check of the admin user and password.
  bool credentials_match(std::string_view user, std::string_view password) const;
  // A fresh token, or nothing if the credentials are wrong.
  std::optional<std::string> sign_in(std::string_view user, std::string_view password);
  // Ends the session of this token; false if the token was never issued.
  bool sign_out(std::string_view token);
  TokenCheck check(std::string_view token);

 private:
  static std::string digest_of(std::string_view token);

  AdminSessionRepository& sessions_;
  AdminCredentials credentials_;
};

}  // namespace webvox::core
