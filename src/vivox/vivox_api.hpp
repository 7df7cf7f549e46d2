#pragma once

#include <string>
#include <string_view>

#include "core/account_service.hpp"
#include "core/admin_auth.hpp"
#include "core/channel_service.hpp"
#include "base/log_budget.hpp"
#include "vivox/vivox_request.hpp"

namespace webvox::vivox {

struct VivoxServices {
  core::AdminAuth& admin;
  core::AccountService& accounts;
  core::ChannelService& channels;
};

// The Vivox account-management API as VivoxVoiceModule uses it (shared/spec/vivox-api.md).
// Every answer is an XML body to send with HTTP 200, errors included: the module cannot
// read a non-2xx response. Never throws.
class VivoxApi {
 public:
  VivoxApi(VivoxServices services, std::string realm);

  std::string handle(const VivoxRequest& request);
  // Whether `script` is one of the calls it serves ("viv_signin.php", …): a bounded set of
  // names, so metrics may be labelled by it.
  static bool known_script(std::string_view script);

 private:
  using Handler = std::string (VivoxApi::*)(const VivoxRequest&);
  struct Route {
    std::string_view script;
    Handler handler;
    bool needs_admin;
  };
  static const Route kRoutes[];

  // Sessions (vivox_session_handlers.cpp).
  std::string sign_in(const VivoxRequest& request);
  std::string sign_out(const VivoxRequest& request);
  // Accounts (vivox_account_handlers.cpp).
  std::string get_account(const VivoxRequest& request);
  std::string create_account(const VivoxRequest& request);
  std::string set_password(const VivoxRequest& request);
  // Channels and directories (vivox_channel_handlers.cpp).
  std::string modify_channel(const VivoxRequest& request);
  std::string create_channel(const VivoxRequest& request);
  std::string delete_channel(const VivoxRequest& request);
  std::string search_channels(const VivoxRequest& request);

  VivoxServices services_;
  std::string realm_;
  // A guesser must not flood the log: a few lines a second, the rest counted.
  base::LogBudget refused_log_{5, 20};
  base::LogBudget throttled_log_{1, 5};
};

// The error answer for a token that does not admit an admin call, or nothing if it does.
std::optional<std::string> rejection_for(core::TokenCheck check);

// The value of a required parameter, or the error answer (300) naming it.
struct RequiredParameter {
  std::string_view value;
  std::optional<std::string> error;
};
RequiredParameter require(const base::Parameters& parameters, std::string_view key);

}  // namespace webvox::vivox
