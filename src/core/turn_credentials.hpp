#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace webvox::core {

struct TurnCredentials {
  std::string username;
  std::string credential;
};

// coturn's time-limited REST credentials (use-auth-secret): username "<expiry>:<user>",
// credential base64(HMAC-SHA1(secret, username)), so a stock coturn accepts them.
TurnCredentials make_turn_credentials(std::string_view secret, std::string_view user,
                                      std::int64_t expires);

}  // namespace webvox::core
