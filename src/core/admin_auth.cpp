#include "core/admin_auth.hpp"

#include <utility>

#include "base/secure_random.hpp"

namespace webvox::core {

AdminAuth::AdminAuth(AdminSessionRepository& sessions, AdminCredentials credentials,
                     CredentialThrottle& throttle)
    : sessions_(sessions), credentials_(std::move(credentials)), throttle_(throttle) {}

std::string AdminAuth::digest_of(std::string_view token) {
  const auto digest = base::sha256(token);
  return base::base64url_encode(digest.data(), digest.size());
}

bool AdminAuth::credentials_match(std::string_view user, std::string_view password) const {
  // Evaluate both comparisons so that timing does not tell which one failed.
  const bool user_ok = base::secrets_equal(user, credentials_.user);
  const bool password_ok = base::secrets_equal(password, credentials_.password);
  return user_ok & password_ok;
}

bool AdminAuth::is_admin_user(std::string_view user) const {
  return base::secrets_equal(user, credentials_.user);
}

CredentialCheck AdminAuth::check_credentials(std::string_view user, std::string_view password,
                                             const CredentialSource& source) {
  CredentialCheck check;
  check.admission = throttle_.admit(source.address, kThrottleAccount, source.now);
  if (!check.admission.allowed()) {
    check.verdict = CredentialVerdict::Throttled;
    return check;
  }
  if (credentials_match(user, password)) {
    throttle_.succeeded(source.address, kThrottleAccount, source.now);
    check.verdict = CredentialVerdict::Accepted;
  } else {
    check.effect = throttle_.failed(source.address, kThrottleAccount, source.now);
    check.verdict = CredentialVerdict::Refused;
  }
  return check;
}

AdminAuth::SignIn AdminAuth::sign_in(std::string_view user, std::string_view password,
                                     const CredentialSource& source) {
  SignIn result{check_credentials(user, password, source), {}};
  if (result.check.verdict != CredentialVerdict::Accepted) return result;
  result.token = base::random_url_token();
  sessions_.add(digest_of(result.token), user);
  return result;
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
