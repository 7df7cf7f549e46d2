#include <arpa/inet.h>

#include "config/config_sources.hpp"

#include <algorithm>
#include <charconv>
#include <toml++/toml.h>

namespace webvox::config {
namespace {

unsigned parse_unsigned(const std::string& name, const std::string& text, unsigned low,
                        unsigned high) {
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || value < low ||
      value > high) {
    throw ConfigError(name + ": '" + text + "' is not a whole number from " + std::to_string(low) +
                      " to " + std::to_string(high));
  }
  return value;
}

std::string require_non_empty(const std::string& name, const std::string& value) {
  if (value.empty()) throw ConfigError(name + ": must not be empty");
  return value;
}

// "a, b" -> {"a", "b"}; each must start with one of the schemes.
// Comma-separated items, trimmed; empty items are skipped.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) items.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

std::vector<std::string> split_urls(const std::string& name, const std::string& text,
                                    std::initializer_list<std::string_view> schemes) {
  auto urls = split_list(text);
  for (const auto& url : urls) {
    const bool known = std::any_of(schemes.begin(), schemes.end(),
                                   [&url](std::string_view s) { return url.starts_with(s); });
    if (!known) throw ConfigError(name + ": '" + url + "' has the wrong scheme");
  }
  return urls;
}

// IP addresses only: browsers get them as ICE candidates, where names would need DNS.
std::vector<std::string> split_addresses(const std::string& name, const std::string& text) {
  auto addresses = split_list(text);
  for (const auto& address : addresses) {
    unsigned char buffer[sizeof(in6_addr)];
    if (inet_pton(AF_INET, address.c_str(), buffer) != 1 &&
        inet_pton(AF_INET6, address.c_str(), buffer) != 1) {
      throw ConfigError(name + ": '" + address + "' is not an IP address");
    }
  }
  return addresses;
}

}  // namespace

const std::map<std::string, std::string>& setting_descriptions() {
  static const std::map<std::string, std::string> descriptions = {
      {"listen", "HOST:PORT to serve HTTPS and plain HTTP on (default 127.0.0.1:8443)"},
      {"data-dir", "folder for the database, TLS files and generated secrets (default ./data)"},
      {"admin-user", "Vivox admin user the region module signs in as (default admin)"},
      {"admin-password",
       "password of admin-user (default: generated into DATA_DIR/admin-password)"},
      {"realm", "SIP realm of channel URIs, the module's vivox_sip_uri (default localhost)"},
      {"tls-cert", "PEM certificate chain (default: self-signed, made in the data folder)"},
      {"tls-key", "PEM private key of tls-cert"},
      {"log-level", "trace, debug, info, warn, error, critical or off (default info)"},
      {"log-format", "text (default) or json: one JSON object per log line"},
      {"metrics-public",
       "true: GET /metrics needs no admin credentials (default false; docs/metrics.md)"},
      {"threads", "network threads (default 2)"},
      {"web-root", "folder of the browser client (default: web/ of the source tree)"},
      {"token-key", "join-token signing key, base64url of 32+ bytes (default: DATA_DIR/token-key)"},
      {"stun-urls", "comma-separated STUN URLs for clients, e.g. stun:stun.example.org:3478"},
      {"turn-urls", "comma-separated TURN URLs for clients (needs turn-secret)"},
      {"turn-secret", "coturn static-auth-secret for time-limited TURN credentials"},
      {"turn-ttl", "lifetime of TURN credentials in seconds (default 86400)"},
      {"max-channel-members", "most members in one peer-to-peer channel (default 32)"},
      {"world-secret",
       "secret shared with the grid's in-world HUDs; enables /world/ (docs/world.md)"},
      {"media-mode",
       "auto (default: peer to peer up to sfu-threshold members, forwarded by the "
       "server beyond), mesh or always-sfu"},
      {"sfu-threshold", "in media-mode auto, most members of a peer-to-peer channel (default 4)"},
      {"media-port", "UDP port of server-forwarded media (default: the listen port's number)"},
      {"media-tcp-port",
       "TCP port of the ICE-TCP fallback (default: the media port's number unless that is the "
       "listen port; 0: off)"},
      {"media-addresses", "comma-separated IP addresses browsers reach the media port at"},
      {"sfu-slots", "voices each listener receives at once when forwarded (default 8)"},
      {"media-receive-buffer",
       "bytes of kernel receive buffer for the media port (default "
       "4194304; 0: the kernel's default)"},
      {"max-connections",
       "HTTP and WebSocket connections open at once (default: half the "
       "open-file limit, at most 20000)"},
      {"max-connections-per-source",
       "connections open at once from one address (default 64; "
       "0: no limit, e.g. behind a reverse proxy)"},
      {"viewer-voice-secret",
       "secret in the URL of the viewer-voice JSON-RPC door "
       "(WebRtcVoiceServerURI …/viewer-voice/SECRET); docs/viewers.md"},
      {"janus-api-secret",
       "os-webrtc-janus's APIToken; enables the Janus REST door at /janus "
       "(docs/viewers.md)"},
      {"janus-admin-secret", "os-webrtc-janus's AdminAPIToken, for /janus-admin"},
  };
  return descriptions;
}

std::string environment_name(const std::string& setting) {
  std::string name = "WEBVOX_" + setting;
  std::transform(name.begin(), name.end(), name.begin(), [](char c) {
    return c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  return name;
}

Settings read_toml_file(const std::filesystem::path& path) {
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw ConfigError("config file " + path.string() + ": " + std::string(e.description()) +
                      " (line " + std::to_string(e.source().begin.line) + ")");
  }
  Settings settings;
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (!setting_descriptions().contains(name)) {
      throw ConfigError("config file " + path.string() + ": unknown key '" + name + "'");
    }
    if (const auto text = node.value_exact<std::string>()) {
      settings[name] = *text;
    } else if (const auto number = node.value_exact<std::int64_t>()) {
      settings[name] = std::to_string(*number);
    } else if (const auto flag = node.value_exact<bool>()) {
      settings[name] = *flag ? "true" : "false";
    } else {
      throw ConfigError("config file " + path.string() + ": '" + name +
                        "' must be a string, a whole number or true/false");
    }
  }
  return settings;
}

Settings read_environment(const EnvironmentLookup& lookup) {
  Settings settings;
  for (const auto& [name, description] : setting_descriptions()) {
    if (auto value = lookup(environment_name(name))) settings[name] = *value;
  }
  return settings;
}

void parse_listen(const std::string& text, Config& config) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw ConfigError("listen: '" + text + "' is not HOST:PORT");
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    throw ConfigError("listen: write an IPv6 address in brackets, as [::1]:8443");
  }
  config.listen_host = host == "localhost" ? "127.0.0.1" : host;
  config.listen_port =
      static_cast<std::uint16_t>(parse_unsigned("listen port", text.substr(colon + 1), 0, 65535));
}

void apply_settings(const Settings& settings, Config& config) {
  for (const auto& [name, value] : settings) {
    if (name == "listen") {
      parse_listen(value, config);
    } else if (name == "data-dir") {
      config.data_dir = require_non_empty(name, value);
    } else if (name == "admin-user") {
      config.admin_user = require_non_empty(name, value);
    } else if (name == "admin-password") {
      config.admin_password = require_non_empty(name, value);
    } else if (name == "realm") {
      if (value.empty() || value.find_first_of("@ \t/") != std::string::npos) {
        throw ConfigError("realm: '" + value + "' is not a host name");
      }
      config.realm = value;
    } else if (name == "tls-cert") {
      config.tls_cert = require_non_empty(name, value);
    } else if (name == "tls-key") {
      config.tls_key = require_non_empty(name, value);
    } else if (name == "log-level") {
      static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
      if (std::find(std::begin(kLevels), std::end(kLevels), value) == std::end(kLevels)) {
        throw ConfigError("log-level: '" + value +
                          "' is not one of trace, debug, info, warn, "
                          "error, critical, off");
      }
      config.log_level = value;
    } else if (name == "log-format") {
      if (value != "text" && value != "json") {
        throw ConfigError("log-format: '" + value + "' is not text or json");
      }
      config.log_format = value;
    } else if (name == "metrics-public") {
      if (value != "true" && value != "false") {
        throw ConfigError("metrics-public: '" + value + "' is not true or false");
      }
      config.metrics_public = value == "true";
    } else if (name == "threads") {
      config.threads = parse_unsigned(name, value, 1, 256);
    } else if (name == "web-root") {
      config.web_root = require_non_empty(name, value);
    } else if (name == "token-key") {
      config.token_key = require_non_empty(name, value);
    } else if (name == "stun-urls") {
      config.stun_urls = split_urls(name, value, {"stun:", "stuns:"});
    } else if (name == "turn-urls") {
      config.turn_urls = split_urls(name, value, {"turn:", "turns:"});
    } else if (name == "turn-secret") {
      config.turn_secret = require_non_empty(name, value);
    } else if (name == "turn-ttl") {
      config.turn_ttl = parse_unsigned(name, value, 60, 7 * 86400);
    } else if (name == "world-secret") {
      // Every copy of the HUD script carries it, so it is the only thing that tells a
      // resident's HUD from anyone on the internet: no short, guessable values.
      if (value.size() < 16) throw ConfigError("world-secret: must be at least 16 characters");
      config.world_secret = value;
    } else if (name == "viewer-voice-secret") {
      // It is the whole of the door's protection and sits in a URL: long, and URL-safe as is.
      if (value.size() < 16) throw ConfigError(name + ": must be at least 16 characters");
      const bool url_safe = std::all_of(value.begin(), value.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
               c == '~';
      });
      if (!url_safe) throw ConfigError(name + ": only letters, digits and - _ . ~");
      config.viewer_voice_secret = value;
    } else if (name == "janus-api-secret" || name == "janus-admin-secret") {
      if (value.size() < 16) throw ConfigError(name + ": must be at least 16 characters");
      (name == "janus-api-secret" ? config.janus_api_secret : config.janus_admin_secret) = value;
    } else if (name == "media-mode") {
      const auto mode = core::parse_media_mode(value);
      if (!mode) throw ConfigError("media-mode: must be auto, mesh or always-sfu");
      config.media_mode = *mode;
    } else if (name == "sfu-threshold") {
      config.sfu_threshold = parse_unsigned(name, value, 1, 256);
    } else if (name == "media-port") {
      config.media_port = static_cast<std::uint16_t>(parse_unsigned(name, value, 0, 65535));
    } else if (name == "media-tcp-port") {
      config.media_tcp_port = static_cast<std::uint16_t>(parse_unsigned(name, value, 0, 65535));
    } else if (name == "media-addresses") {
      config.media_addresses = split_addresses(name, value);
    } else if (name == "sfu-slots") {
      config.sfu_slots = parse_unsigned(name, value, 1, 32);
    } else if (name == "media-receive-buffer") {
      config.media_receive_buffer = parse_unsigned(name, value, 0, 1u << 30);
    } else if (name == "max-connections") {
      config.max_connections = parse_unsigned(name, value, 1, 1000000);
    } else if (name == "max-connections-per-source") {
      config.max_connections_per_source = parse_unsigned(name, value, 0, 1000000);
    } else if (name == "max-channel-members") {
      config.max_channel_members = parse_unsigned(name, value, 2, 256);
    } else {
      throw ConfigError("unknown setting '" + name + "'");
    }
  }
}

void validate(const Config& config) {
  if (config.tls_cert.has_value() != config.tls_key.has_value()) {
    throw ConfigError("tls-cert and tls-key must be given together");
  }
  if (!config.turn_urls.empty() && config.turn_secret.empty()) {
    throw ConfigError("turn-urls need turn-secret (coturn's static-auth-secret)");
  }
  if (config.media_tcp_port && *config.media_tcp_port != 0 &&
      *config.media_tcp_port == config.listen_port) {
    throw ConfigError("media-tcp-port: the listen port already serves HTTPS on TCP");
  }
}

}  // namespace webvox::config
