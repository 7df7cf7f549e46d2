#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "base/expected.hpp"
#include "config/config.hpp"

namespace webvox::app {

// `webvoxd admin …` (docs/admin.md): calls a running server's channel admin API and prints
// what it says for a person.
struct AdminCommand {
  enum class Kind { Channels, Channel, Kick, Mute, Close };
  Kind kind = Kind::Channels;
  std::string channel_uri;
  std::string account;
  bool muted = true;  // Mute: false with --off
};

// Where the server is and how to trust it.
struct AdminClientSettings {
  std::string url;  // http(s)://host[:port][/prefix]
  std::string user;
  std::string password;
  std::optional<std::filesystem::path> ca_file;  // trust this certificate (or CA) only
  bool insecure = false;                         // no certificate check at all
  std::chrono::seconds timeout{10};
};

// The flags' values before defaults from the server's settings are filled in.
struct AdminClientOptions {
  std::string url;      // --url, else WEBVOX_ADMIN_URL
  std::string ca_file;  // --ca
  bool insecure = false;
};

// Fills what the flags left out from the server's own settings, so that on the server's host
// the command works as is: the URL from listen (all addresses: loopback), the admin user and
// password (admin-password, else DATA_DIR/admin-password, read only), and the server's
// self-signed certificate in DATA_DIR as the one to trust when no tls-cert is configured.
// Throws std::runtime_error when there is no password to be had.
AdminClientSettings admin_client_settings(const AdminClientOptions& options,
                                          const config::Config& config,
                                          std::optional<std::string> url_from_environment);

// The HTTP call a command makes: method, path below the URL, JSON body.
struct AdminHttpCall {
  std::string method;
  std::string path;
  std::string body;
};
AdminHttpCall admin_http_call(const AdminCommand& command);

// The server's JSON answer as lines for a person; the error's own text on failure.
struct AdminReplyText {
  bool ok = false;
  std::string text;
};
AdminReplyText render_admin_reply(const AdminCommand& command, unsigned status,
                                  std::string_view body);

struct HttpUrl {
  bool tls = true;
  std::string host;  // without brackets
  std::string port;
  std::string prefix;  // path before /admin/…, without a trailing '/'
};
// Nothing if it is not an http:// or https:// URL with a host.
std::optional<HttpUrl> parse_http_url(std::string_view url);

// Runs the command against the server: prints the answer to `out` and returns 0, or prints
// the error to `err` and returns 1 (the server refused) or 2 (it could not be reached).
int run_admin_command(const AdminClientSettings& settings, const AdminCommand& command,
                      std::ostream& out, std::ostream& err);

// `webvoxd admin [--url URL] [--ca FILE | --insecure] VERB …` on webvoxd's command line.
// Made in place (its callbacks hold `this`) before the command line is parsed.
class AdminSubcommand {
 public:
  explicit AdminSubcommand(CLI::App& cli);
  AdminSubcommand(const AdminSubcommand&) = delete;
  AdminSubcommand& operator=(const AdminSubcommand&) = delete;

  bool parsed() const { return admin_->parsed(); }
  // Calls the server; the exit status of run_admin_command.
  int run(const config::Config& config, std::optional<std::string> url_from_environment) const;

 private:
  CLI::App* admin_;
  AdminCommand command_;
  AdminClientOptions options_;
  bool unmute_ = false;
};

}  // namespace webvox::app
