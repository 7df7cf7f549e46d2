#pragma once

#include <string>
#include <string_view>

namespace webvox::app {

// The request target with the values of secret parameters (pwd, new_pwd, auth_token,
// password, token, secret, userid) and the code of a join-link path (/j/<code>) replaced by "***",
// fit for a log line.
std::string redact_target(std::string_view target);

}  // namespace webvox::app
