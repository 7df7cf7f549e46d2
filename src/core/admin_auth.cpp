#include "core/admin_auth.hpp"

#include <utility>

#include "core/secure_random.hpp"

namespace webvox::core {

AdminAuth::AdminAuth(AdminSessionRepository& sessions, AdminCredentials credentials)
    : sessions_(sessions), credentials_(std::move(credentials)) {}

std::string AdminAuth::digest_of(std::string_view token) {
  const auto digest = sha256(token);
  return base64url_encode(digest.data(), digest.size());
}

bool AdminAuth::credentials_match(std::string_view user, std::string_view password) const {
  // Evaluate both comparisons so that timing does not tell which one failed.
  const bool user_ok = secrets_equal(user, credentials_.user);
  const bool password_ok = secrets_equal(password, credentials_.password);
  return user_ok & password_ok;
}

std::optional<std::string> AdminAuth::sign_in(std::string_view user, std::string_view password) {
  if (!credentials_match(user, password)) return std::nullopt;
  auto token = random_url_token();
  sessions_.add(digest_of(token), user);
  return token;
}

bool AdminAuth::sign_out(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenLength) return false;
  return sessions_.sign_out(digest_of(token));
}

TokenCheck AdminAuth::check(std::string_view token) {
  if (token.empty()) return TokenCheck::Missing;
  if (token.size() > kMaxTokenLength) return TokenCheck::Unknown;
  const auto state = sessions_.state(digest_of(token));
  if (!state) return TokenCheck::Unknown;
  return *state == AdminSessionState::Active ? TokenCheck::Valid : TokenCheck::SignedOut;
}

}  // namespace webvox::core
