// Admin sign-in and sign-out (spec §5.1, §5.2, §6).
#include <spdlog/spdlog.h>

#include "base/log_text.hpp"
#include "vivox/vivox_api.hpp"
#include "vivox/vivox_response.hpp"

namespace webvox::vivox {

std::string VivoxApi::sign_in(const VivoxRequest& request) {
  const auto& parameters = request.parameters;
  const auto user = parameters.get("userid").value_or("");
  const auto password = parameters.get("pwd").value_or("");
  const auto result = services_.admin.sign_in(user, password, {request.source, request.received});
  switch (result.check.verdict) {
    case core::CredentialVerdict::Accepted:
      spdlog::info("admin {} signed in from {}", base::log_text(user), request.source);
      return sign_in_response(result.token);
    case core::CredentialVerdict::Throttled:
      if (const auto left_out = throttled_log_.take(request.received)) {
        spdlog::warn("admin sign-in from {} not checked: {}; try again in {} s{}", request.source,
                     core::describe(result.check.admission.decision),
                     result.check.admission.retry_after.count(), base::left_out_note(*left_out));
      }
      return throttled_sign_in_response(result.check.admission.retry_after);
    case core::CredentialVerdict::Refused:
      break;
  }
  if (const auto left_out = refused_log_.take(request.received)) {
    // A refused user name is never logged as sent: it may be the password, typed into the
    // wrong field.
    const auto who = services_.admin.is_admin_user(user)
                         ? "wrong password for admin " + base::log_text(user)
                         : "user is not the admin user " + base::log_withheld(user);
    spdlog::warn("admin sign-in refused from {}: {}; {}{}", request.source, who,
                 core::describe(result.check.effect), base::left_out_note(*left_out));
  }
  return error_response(ErrorCode::NotAuthorized, "bad credentials", "Failed");
}

std::string VivoxApi::sign_out(const VivoxRequest& request) {
  const auto& parameters = request.parameters;
  const auto token = parameters.get("auth_token").value_or("");
  const auto check = services_.admin.check(token);
  // Signing out a token that is already signed out succeeds: that session is over either way.
  if (check != core::TokenCheck::SignedOut) {
    if (auto rejection = rejection_for(check)) return *rejection;
  }
  services_.admin.sign_out(token);
  spdlog::info("admin session signed out");
  return ok_response({{"code", "200"}});
}

}  // namespace webvox::vivox
