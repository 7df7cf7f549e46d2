#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>
#include <map>
#include <functional>

#include "core/forwarding_policy.hpp"

namespace webvox::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// webvoxd's settings. Each has one name used everywhere: the TOML key ("data-dir"), the
// command-line flag ("--data-dir") and the environment variable ("WEBVOX_DATA_DIR").
// Later sources win: defaults, then the TOML file, then the environment, then flags.
struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8443;
  std::filesystem::path data_dir = "data";
  std::string admin_user = "admin";
  // Absent: read from, or generated into, the data folder (see README).
  std::optional<std::string> admin_password;
  // SIP realm in channel URIs; set it to the module's vivox_sip_uri.
  std::string realm = "localhost";
  // Both or neither; neither: a self-signed pair is made in the data folder.
  std::optional<std::filesystem::path> tls_cert;
  std::optional<std::filesystem::path> tls_key;
  std::string log_level = "info";
  // "text" (spdlog's lines) or "json" (one object per line: time, level, logger, message).
  std::string log_format = "text";
  // GET /metrics without admin credentials (a scraper on loopback or behind a proxy that
  // guards the path); false: it asks for the admin's HTTP Basic credentials, as /admin/… does.
  bool metrics_public = false;
  unsigned threads = 2;
  // The browser client's files; empty: the web/ folder of the source tree webvoxd was built from.
  std::filesystem::path web_root;
  // Join-token signing key (base64url, at least 32 bytes); absent: DATA_DIR/token-key.
  std::optional<std::string> token_key;
  // ICE servers for WebRTC clients; TURN credentials need turn_secret (coturn use-auth-secret).
  std::vector<std::string> stun_urls;
  std::vector<std::string> turn_urls;
  std::string turn_secret;
  unsigned turn_ttl = 86400;
  unsigned max_channel_members = 32;
  // Shared with the grid's in-world HUDs (docs/world.md); empty: /world/... and /j/... are off.
  std::string world_secret;
  // How voice flows: auto (each channel a mesh up to sfu_threshold members, forwarded by the
  // server beyond), mesh (always peer to peer) or always-sfu (always through the server, on one
  // UDP port).
  core::MediaMode media_mode = core::MediaMode::Auto;
  unsigned sfu_threshold = 4;
  // The SFU's UDP port; absent: the same number as the listen port.
  std::optional<std::uint16_t> media_port;
  // The ICE-TCP fallback port (RFC 6544 passive candidates) for browsers that cannot reach
  // the UDP port; absent: the number the UDP media port has (see media_tcp_port_in_use);
  // 0: no TCP fallback.
  std::optional<std::uint16_t> media_tcp_port;
  // Addresses browsers reach the media port at (a public IP behind NAT, in a container);
  // empty: the listen address (127.0.0.1 when it listens on all addresses).
  std::vector<std::string> media_addresses;
  unsigned sfu_slots = 8;
  // Bytes of kernel receive buffer the media port asks for (bursts wait there while the media
  // thread works); 0: the kernel's default.
  unsigned media_receive_buffer = 4 * 1024 * 1024;
  // HTTP/WebSocket connections open at once; absent: half the open-file limit (at most 20,000).
  std::optional<unsigned> max_connections;
  // ... of them from one address (an IPv6 /64); 0: no such limit (behind a reverse proxy).
  unsigned max_connections_per_source = 64;
  // Viewer voice behind os-webrtc-janus (docs/viewers.md): each door is on when its secret is
  // set. The JSON-RPC door at POST /viewer-voice/<viewer_voice_secret>; the Janus REST door at
  // /janus (janus_api_secret) and /janus-admin (janus_admin_secret).
  std::string viewer_voice_secret;
  std::string janus_api_secret;
  std::string janus_admin_secret;
};

// Whether either viewer-voice door is on (then the media port runs whatever media-mode says).
inline bool viewer_voice_on(const Config& config) {
  return !config.viewer_voice_secret.empty() || !config.janus_api_secret.empty();
}

// The TCP port the ICE-TCP fallback listens on: nothing when it is off, 0 for "any free port"
// (when the UDP media port is picked by the system too: its number may be another TCP
// socket's, as parallel test servers found out). Unset, it follows the UDP media
// port's number, except when that is the listen port: webvoxd already serves HTTPS on that
// TCP port, so the fallback stays off until media-tcp-port names another one.
std::optional<std::uint16_t> media_tcp_port_in_use(const Config& config);

// "HOST:PORT" with an IPv4 address, "[IPv6]" or "localhost", port 0–65535 (0: any free port).
void parse_listen(const std::string& text, Config& config);

}  // namespace webvox::config

namespace CLI {
class App;
}

namespace webvox::config {

// Registers one flag per setting ("--data-dir" ...) plus --config on the app. The values
// given end up in `flags`, the config file path in `config_file`.
void add_config_options(CLI::App& app, std::map<std::string, std::string>& flags,
                        std::string& config_file);

// Builds the effective Config: defaults < config file < environment < flags. Throws
// ConfigError. `environment` looks up a variable (std::getenv in webvoxd).
Config resolve_config(
    const std::string& config_file, const std::map<std::string, std::string>& flags,
    const std::function<std::optional<std::string>(const std::string&)>& environment);

}  // namespace webvox::config
