#pragma once

#include <string>
#include <string_view>

namespace webvox::app {

// The request target with the values of secret parameters (pwd, new_pwd, auth_token,
// password, token, secret, userid, apisecret) and the secret last part of a join-link path
// (/j/<code>) or of the viewer-voice door's (/viewer-voice/<secret>) replaced by "***", fit
// for a log line.
std::string redact_target(std::string_view target);

}  // namespace webvox::app
