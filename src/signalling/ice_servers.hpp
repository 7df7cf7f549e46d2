#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace webvox::signalling {

// STUN/TURN servers handed to clients, from the server's config.
struct IceServerConfig {
  std::vector<std::string> stun_urls;
  std::vector<std::string> turn_urls;
  std::string turn_secret;  // coturn static-auth-secret; empty: TURN URLs are not offered
  std::int64_t turn_ttl_seconds = 86400;
};

// The RTCPeerConnection `iceServers` array for one account at `now` (unix seconds), with
// fresh time-limited TURN credentials.
nlohmann::json ice_servers_for(const IceServerConfig& config, const std::string& account,
                               std::int64_t now);

}  // namespace webvox::signalling
