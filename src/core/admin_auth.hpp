#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/admin_session_repository.hpp"
#include "core/credential_throttle.hpp"

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

// Where and when a credential was presented: the throttle's source key (app::source_key of
// the client's address) and the monotonic time.
struct CredentialSource {
  std::string_view address;
  MonotonicTime now;
};

enum class CredentialVerdict {
  Accepted,
  Refused,    // wrong user or password
  Throttled,  // not checked: too many failures (CredentialThrottle)
};

struct CredentialCheck {
  CredentialVerdict verdict = CredentialVerdict::Refused;
  CredentialThrottle::Admission admission;   // why, and for how long, when Throttled
  CredentialThrottle::FailureEffect effect;  // when Refused
};

// Admin sign-in for the region module. One token per sign-in, no expiry (the module
// cannot recover from an expired token), durable, and signing out ends only that token.
// Every check of the admin credentials goes through the throttle, as one account.
class AdminAuth {
 public:
  static constexpr std::size_t kMaxTokenLength = 256;
  // The throttle's account key for the admin credentials; a space never occurs in a voice
  // account name, so the two cannot collide.
  static constexpr std::string_view kThrottleAccount = "admin account";

  AdminAuth(AdminSessionRepository& sessions, AdminCredentials credentials,
            CredentialThrottle& throttle);

  // Whether `user` is the admin user (constant time): what a log may say of a refused user.
  bool is_admin_user(std::string_view user) const;
  // Constant-time check of the admin user and password, throttled.
  CredentialCheck check_credentials(std::string_view user, std::string_view password,
                                    const CredentialSource& source);
  struct SignIn {
    CredentialCheck check;
    std::string token;  // when Accepted: a fresh one
  };
  SignIn sign_in(std::string_view user, std::string_view password, const CredentialSource& source);
  // Ends the session of this token; false if the token was never issued.
  bool sign_out(std::string_view token);
  TokenCheck check(std::string_view token);

 private:
  static std::string digest_of(std::string_view token);
  bool credentials_match(std::string_view user, std::string_view password) const;

  AdminSessionRepository& sessions_;
  AdminCredentials credentials_;
  CredentialThrottle& throttle_;
};

}  // namespace webvox::core
