// Admin sign-in and sign-out (spec §5.1, §5.2, §6).
#include <spdlog/spdlog.h>

#include "vivox/vivox_api.hpp"
#include "vivox/vivox_response.hpp"

namespace webvox::vivox {

std::string VivoxApi::sign_in(const Parameters& parameters) {
  const auto user = parameters.get("userid").value_or("");
  const auto password = parameters.get("pwd").value_or("");
  if (auto token = services_.admin.sign_in(user, password)) {
    spdlog::info("admin '{}' signed in", user);
    return sign_in_response(*token);
  }
  spdlog::warn("admin sign-in refused for user '{}'", user);
  return error_response(ErrorCode::NotAuthorized, "bad credentials", "Failed");
}

std::string VivoxApi::sign_out(const Parameters& parameters) {
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
