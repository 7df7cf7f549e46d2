#include "signalling/ice_servers.hpp"

#include "core/turn_credentials.hpp"

namespace webvox::signalling {

nlohmann::json ice_servers_for(const IceServerConfig& config, const std::string& account,
                               std::int64_t now) {
  auto servers = nlohmann::json::array();
  if (!config.stun_urls.empty()) servers.push_back({{"urls", config.stun_urls}});
  if (!config.turn_urls.empty() && !config.turn_secret.empty()) {
    const auto credentials =
        core::make_turn_credentials(config.turn_secret, account, now + config.turn_ttl_seconds);
    servers.push_back({{"urls", config.turn_urls},
                       {"username", credentials.username},
                       {"credential", credentials.credential}});
  }
  return servers;
}

}  // namespace webvox::signalling
