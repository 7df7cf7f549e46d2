#include "app/admin_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/secure_random.hpp"

namespace webvox::app {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using nlohmann::json;

// Percent-encodes a URI for one path segment (':' '@' and the rest that is not unreserved).
std::string path_segment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string first_line_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) {
    throw std::runtime_error(
        "no admin password: set admin-password (WEBVOX_ADMIN_PASSWORD) or "
        "give the server's data-dir, whose admin-password file it reads (" +
        file.string() + " cannot be read)");
  }
  return line;
}

std::string loopback_for(const std::string& listen_host) {
  if (listen_host == "0.0.0.0" || listen_host.empty()) return "127.0.0.1";
  if (listen_host == "::") return "[::1]";
  if (listen_host.find(':') != std::string::npos) return "[" + listen_host + "]";
  return listen_host;
}

std::string member_line(const json& member) {
  std::string line = "  " + member.value("account", std::string("?"));
  const auto name = member.value("name", std::string());
  if (!name.empty() && name != member.value("account", std::string())) line += "  \"" + name + "\"";
  line += "  " + member.value("kind", std::string("browser"));
  if (member.value("muted", false)) line += "  muted itself";
  if (member.value("operator_muted", false)) line += "  MUTED by operator";
  if (member.contains("packets_carried")) {
    line += "  packets carried " + std::to_string(member.value("packets_carried", 0ull)) +
            ", silenced " + std::to_string(member.value("packets_silenced", 0ull));
  }
  return line + "\n";
}

std::string channel_text(const json& channel) {
  const auto& members = channel.at("members");
  std::string text = channel.value("uri", std::string("?")) + "  " +
                     channel.value("mode", std::string("?")) +
                     (channel.value("viewer_mix", false) ? " + viewer mix" : "") + "  " +
                     std::to_string(members.size()) + " member(s)";
  const auto name = channel.value("name", std::string());
  if (!name.empty()) text += "  (" + name + ")";
  text += "\n";
  for (const auto& member : members) text += member_line(member);
  return text;
}

std::string reply_text(const AdminCommand& command, const json& reply) {
  switch (command.kind) {
    case AdminCommand::Kind::Channels: {
      std::string text;
      const auto& channels = reply.at("channels");
      if (channels.empty()) text += "no channel has members\n";
      for (const auto& channel : channels) text += channel_text(channel);
      const auto rooms = reply.value("viewer_rooms", json::array());
      if (!rooms.empty()) {
        text += "viewer voice rooms bridged to no channel:\n";
        for (const auto& room : rooms) {
          text += "  " + room.value("room", std::string("?")) + "  viewer mix  " +
                  std::to_string(room.value("sessions", 0)) + " session(s)\n";
        }
      }
      return text;
    }
    case AdminCommand::Kind::Channel:
      return channel_text(reply);
    case AdminCommand::Kind::Kick:
      return "kicked " + command.account + " from " + reply.value("channel", command.channel_uri) +
             " (" + std::to_string(reply.at("kicked").size()) +
             " connection(s)); it may join again in " +
             std::to_string(reply.value("rejoin_after", 0)) + " s\n";
    case AdminCommand::Kind::Mute:
      return std::string(command.muted ? "muted " : "unmuted ") + command.account + " in " +
             reply.value("channel", command.channel_uri) + " (" +
             std::to_string(reply.value("members", 0)) + " connection(s))\n";
    case AdminCommand::Kind::Close:
      return "closed " + reply.value("channel", command.channel_uri) + ": " +
             std::to_string(reply.value("removed", 0)) + " member(s) removed\n";
  }
  return reply.dump(2) + "\n";
}

template <typename Stream>
http::response<http::string_body> exchange(Stream& stream, const HttpUrl& url,
                                           const AdminClientSettings& settings,
                                           const AdminHttpCall& call) {
  http::request<http::string_body> request{
      call.method == "POST" ? http::verb::post : http::verb::get, url.prefix + call.path, 11};
  const bool default_port = url.port == (url.tls ? "443" : "80");
  const auto host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  request.set(http::field::host, default_port ? host : host + ":" + url.port);
  request.set(http::field::user_agent, "webvoxd admin");
  const auto credentials = settings.user + ":" + settings.password;
  request.set(
      http::field::authorization,
      "Basic " + base::base64_encode(reinterpret_cast<const unsigned char*>(credentials.data()),
                                     credentials.size()));
  if (call.method == "POST") {
    request.set(http::field::content_type, "application/json");
    request.body() = call.body;
  }
  request.prepare_payload();
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);  // a grid's whole channel list
  http::read(stream, buffer, parser);
  return parser.release();
}

}  // namespace

std::optional<HttpUrl> parse_http_url(std::string_view url) {
  HttpUrl out;
  if (url.starts_with("https://")) {
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    out.tls = false;
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const auto slash = url.find('/');
  auto authority = url.substr(0, slash);
  if (slash != std::string_view::npos) out.prefix = std::string(url.substr(slash));
  while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no credentials here
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return std::nullopt;
  if (port.empty()) {
    out.port = out.tls ? "443" : "80";
  } else {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
      return std::nullopt;
    out.port = std::string(port);
  }
  return out;
}

AdminClientSettings admin_client_settings(const AdminClientOptions& options,
                                          const config::Config& config,
                                          std::optional<std::string> url_from_environment) {
  AdminClientSettings settings;
  settings.url = !options.url.empty()
                     ? options.url
                     : url_from_environment.value_or("https://" + loopback_for(config.listen_host) +
                                                     ":" + std::to_string(config.listen_port));
  settings.user = config.admin_user;
  settings.password = config.admin_password ? *config.admin_password
                                            : first_line_of(config.data_dir / "admin-password");
  settings.insecure = options.insecure;
  if (!options.ca_file.empty()) {
    settings.ca_file = options.ca_file;
  } else if (!config.tls_cert && !options.insecure) {
    const auto self_signed = config.data_dir / "tls-cert.pem";
    if (std::filesystem::exists(self_signed)) settings.ca_file = self_signed;
  }
  return settings;
}

AdminHttpCall admin_http_call(const AdminCommand& command) {
  const auto channel = "/admin/channels/" + path_segment(command.channel_uri);
  switch (command.kind) {
    case AdminCommand::Kind::Channels:
      return {"GET", "/admin/channels", ""};
    case AdminCommand::Kind::Channel:
      return {"GET", channel, ""};
    case AdminCommand::Kind::Kick:
      return {"POST", channel + "/kick", json{{"account", command.account}}.dump()};
    case AdminCommand::Kind::Mute:
      return {"POST", channel + "/mute",
              json{{"account", command.account}, {"muted", command.muted}}.dump()};
    case AdminCommand::Kind::Close:
      return {"POST", channel + "/close", "{}"};
  }
  return {"GET", "/admin/channels", ""};
}

AdminReplyText render_admin_reply(const AdminCommand& command, unsigned status,
                                  std::string_view body) {
  const auto reply = json::parse(body, nullptr, false);
  if (status != 200) {
    std::string text = reply.is_object() && reply.contains("error") && reply["error"].is_string()
                           ? reply["error"].get<std::string>()
                           : "the server answered HTTP " + std::to_string(status);
    return {false, text + " (HTTP " + std::to_string(status) + ")"};
  }
  if (!reply.is_object()) return {false, "the server's answer is not JSON"};
  try {
    return {true, reply_text(command, reply)};
  } catch (const json::exception&) {
    return {false, "the server's answer is not what this version expects"};
  }
}

int run_admin_command(const AdminClientSettings& settings, const AdminCommand& command,
                      std::ostream& out, std::ostream& err) {
  const auto url = parse_http_url(settings.url);
  if (!url) {
    err << "webvoxd admin: --url must be http(s)://host[:port][/path], not " << settings.url
        << "\n";
    return 2;
  }
  const auto call = admin_http_call(command);
  http::response<http::string_body> response;
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(url->host, url->port);
    if (url->tls) {
      asio::ssl::context tls(asio::ssl::context::tls_client);
      if (settings.insecure) {
        tls.set_verify_mode(asio::ssl::verify_none);
      } else {
        tls.set_verify_mode(asio::ssl::verify_peer);
        if (settings.ca_file) {
          tls.load_verify_file(settings.ca_file->string());
        } else {
          tls.set_default_verify_paths();
        }
      }
      beast::ssl_stream<beast::tcp_stream> stream(io, tls);
      if (!settings.insecure) {
        stream.set_verify_callback(asio::ssl::host_name_verification(url->host));
      }
      boost::system::error_code ignored;
      const bool is_address = (asio::ip::make_address(url->host, ignored), !ignored);
      if (!is_address) SSL_set_tlsext_host_name(stream.native_handle(), url->host.c_str());
      beast::get_lowest_layer(stream).expires_after(settings.timeout);
      beast::get_lowest_layer(stream).connect(endpoints);
      stream.handshake(asio::ssl::stream_base::client);
      response = exchange(stream, *url, settings, call);
    } else {
      beast::tcp_stream stream(io);
      stream.expires_after(settings.timeout);
      stream.connect(endpoints);
      response = exchange(stream, *url, settings, call);
    }
  } catch (const std::exception& e) {
    err << "webvoxd admin: cannot reach " << settings.url << ": " << e.what() << "\n";
    if (std::string_view(e.what()).find("certificate verify failed") != std::string_view::npos) {
      err << "webvoxd admin: trust the server's certificate with --ca FILE (or --insecure)\n";
    }
    return 2;
  }
  const auto reply = render_admin_reply(command, response.result_int(), response.body());
  if (!reply.ok) {
    err << "webvoxd admin: " << reply.text << "\n";
    return 1;
  }
  out << reply.text;
  return 0;
}

AdminSubcommand::AdminSubcommand(CLI::App& cli)
    : admin_(
          cli.add_subcommand("admin", "ask a running server about its channels, or act on one")) {
  admin_->require_subcommand(1);
  admin_->add_option("--url", options_.url,
                     "the server, https://host:port (default: from listen) [WEBVOX_ADMIN_URL]");
  admin_->add_option("--ca", options_.ca_file,
                     "trust this certificate file (default: the server's self-signed one in "
                     "data-dir)");
  admin_->add_flag("--insecure", options_.insecure, "do not check the server's certificate");
  const auto verb = [this](const char* name, const char* what, AdminCommand::Kind kind) {
    auto* command = admin_->add_subcommand(name, what);
    command->callback([this, kind] { command_.kind = kind; });
    return command;
  };
  const auto channel = [this](CLI::App* command) {
    command->add_option("URI", command_.channel_uri, "channel URI, sip:confctl-…@realm")
        ->required();
  };
  const auto account = [this](CLI::App* command) {
    command->add_option("ACCOUNT", command_.account, "voice account name")->required();
  };
  verb("channels", "list the channels people are in, with their members",
       AdminCommand::Kind::Channels);
  channel(verb("channel", "one channel and its members", AdminCommand::Kind::Channel));
  auto* kick = verb("kick", "remove an account from a channel", AdminCommand::Kind::Kick);
  channel(kick);
  account(kick);
  auto* mute =
      verb("mute", "mute an account in a channel (--off: unmute)", AdminCommand::Kind::Mute);
  channel(mute);
  account(mute);
  mute->add_flag("--off", unmute_, "let the account speak again");
  channel(verb("close", "end a channel's call: everybody out", AdminCommand::Kind::Close));
}

int AdminSubcommand::run(const config::Config& config,
                         std::optional<std::string> url_from_environment) const {
  auto command = command_;
  command.muted = !unmute_;
  return run_admin_command(admin_client_settings(options_, config, std::move(url_from_environment)),
                           command, std::cout, std::cerr);
}

}  // namespace webvox::app
