#include "vivox/vivox_api.hpp"

#include <spdlog/spdlog.h>

#include "base/log_text.hpp"
#include "vivox/vivox_response.hpp"

namespace webvox::vivox {

const VivoxApi::Route VivoxApi::kRoutes[] = {
    {"viv_signin.php", &VivoxApi::sign_in, false},
    {"viv_signout.php", &VivoxApi::sign_out, false},
    {"viv_get_acct.php", &VivoxApi::get_account, true},
    {"viv_adm_acct_new.php", &VivoxApi::create_account, true},
    {"viv_adm_password.php", &VivoxApi::set_password, true},
    {"viv_chan_mod.php", &VivoxApi::modify_channel, true},
    {"viv_chan_search.php", &VivoxApi::search_channels, true},
};

VivoxApi::VivoxApi(VivoxServices services, std::string realm)
    : services_(services), realm_(std::move(realm)) {}

bool VivoxApi::known_script(std::string_view script) {
  for (const auto& route : kRoutes) {
    if (route.script == script) return true;
  }
  return false;
}

RequiredParameter require(const base::Parameters& parameters, std::string_view key) {
  const auto value = parameters.get(key);
  if (value && !value->empty()) return {*value, std::nullopt};
  return {{},
          error_response(ErrorCode::MissingParameter, "Missing parameter: " + std::string(key))};
}

std::optional<std::string> rejection_for(core::TokenCheck check) {
  switch (check) {
    case core::TokenCheck::Valid:
      return std::nullopt;
    case core::TokenCheck::Missing:
      return error_response(ErrorCode::MissingCredentials, "Missing credentials");
    case core::TokenCheck::Unknown:
      return error_response(ErrorCode::NotAuthorized, "Not authorized");
    case core::TokenCheck::SignedOut:
      return error_response(ErrorCode::ExpiredCredentials, "Expired credentials");
  }
  return error_response(ErrorCode::NotAuthorized, "Not authorized");
}

std::string VivoxApi::handle(const VivoxRequest& request) {
  try {
    for (const auto& route : kRoutes) {
      if (route.script != request.script) continue;
      if (route.needs_admin) {
        const auto token = request.parameters.get("auth_token").value_or("");
        if (auto rejection = rejection_for(services_.admin.check(token))) return *rejection;
      }
      return (this->*route.handler)(request);
    }
    return error_response(ErrorCode::MissingParameter, "Unknown API call: " + request.script);
  } catch (const std::exception& e) {
    spdlog::error("vivox {}: {}", base::log_text(request.script), base::log_text(e.what()));
    return error_response(ErrorCode::Internal, "Internal server error");
  }
}

}  // namespace webvox::vivox
