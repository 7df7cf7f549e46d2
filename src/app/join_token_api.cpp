#include "app/join_token_api.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/source_key.hpp"
#include "core/account_service.hpp"
#include "core/channel_uri.hpp"
#include "core/log_text.hpp"
#include "core/secure_random.hpp"
#include "signalling/client_message.hpp"

namespace webvox::app {
namespace {

using nlohmann::json;

http::Response json_response(unsigned status, const json& body) {
  return {status, "application/json", body.dump(-1, ' ', false, json::error_handler_t::replace), {}};
}

http::Response error(unsigned status, std::string_view reason) {
  auto response = json_response(status, {{"error", reason}});
  if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"webvox\"");
  return response;
}

// "Basic base64(user:password)" -> user, password.
std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header) {
  constexpr std::string_view kScheme = "Basic ";
  if (!header.starts_with(kScheme)) return std::nullopt;
  try {
    const auto raw = core::base64_decode(header.substr(kScheme.size()));
    const std::string text(raw.begin(), raw.end());
    const auto colon = text.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::pair{text.substr(0, colon), text.substr(colon + 1)};
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

}  // namespace

JoinTokenIssuer::JoinTokenIssuer(const core::JoinTokenSigner& signer, core::ChannelService& channels,
                                 std::string realm)
    : signer_(signer), channels_(channels), realm_(std::move(realm)) {}

std::variant<IssuedJoinToken, JoinTokenRefusal> JoinTokenIssuer::issue(
    const JoinTokenRequest& request, std::int64_t now) const {
  if (!core::AccountService::is_valid_name(request.account)) {
    return JoinTokenRefusal{400, "account is not a valid account name"};
  }
  if (request.ttl_seconds < 1 || request.ttl_seconds > core::JoinTokenSigner::kMaxTtlSeconds) {
    return JoinTokenRefusal{400, "ttl must be from 1 second to 7 days"};
  }
  const auto id = core::parse_channel_uri(request.channel_uri, realm_);
  const auto channel = id ? channels_.find(*id) : std::nullopt;
  if (!channel || channel->is_directory()) return JoinTokenRefusal{404, "no such channel"};
  const core::JoinClaims claims{request.account, request.channel_uri, now + request.ttl_seconds,
                                signalling::clean_display_name(request.name), request.moderator};
  return IssuedJoinToken{signer_.sign(claims), claims.expires};
}

JoinTokenApi::JoinTokenApi(core::AdminAuth& admin, const JoinTokenIssuer& issuer,
                           std::function<std::int64_t()> unix_now,
                           std::function<core::MonotonicTime()> monotonic_now)
    : admin_(admin),
      issuer_(issuer),
      unix_now_(std::move(unix_now)),
      monotonic_now_(std::move(monotonic_now)) {}

std::optional<http::Response> JoinTokenApi::serve(const http::Request& request) {
  const auto path = std::string_view(request.target).substr(0, request.target.find('?'));
  if (path != "/admin/join-tokens") return std::nullopt;
  if (request.method != "POST") return error(405, "use POST");
  // Missing or malformed credentials are checked (and counted) as an empty user and password.
  const auto credentials = basic_credentials(request.authorization)
                               .value_or(std::pair<std::string, std::string>{});
  const auto source = source_key(request.peer_address);
  const auto now = monotonic_now_();
  const auto check = admin_.check_credentials(credentials.first, credentials.second, {source, now});
  if (check.verdict == core::CredentialVerdict::Throttled) {
    const auto wait = std::to_string(check.admission.retry_after.count());
    auto response = error(429, "too many failed sign-ins; try again in " + wait + " s");
    response.headers.emplace_back("Retry-After", wait);
    return response;
  }
  if (check.verdict == core::CredentialVerdict::Refused) {
    if (const auto left_out = refused_log_.take(now)) {
      spdlog::warn("join token request from {} with bad admin credentials ({}); {}{}", source,
                   admin_.is_admin_user(credentials.first)
                       ? "wrong password"
                       : "user is not the admin user " + core::log_withheld(credentials.first),
                   core::describe(check.effect), core::left_out_note(*left_out));
    }
    return error(401, "admin credentials required");
  }
  JoinTokenRequest token_request;
  try {
    const auto body = json::parse(request.body);
    token_request.account = body.at("account").get<std::string>();
    token_request.channel_uri = body.at("channel").get<std::string>();
    token_request.name = body.value("name", std::string());
    token_request.moderator = body.value("moderator", false);
    token_request.ttl_seconds = body.value("ttl", core::JoinTokenSigner::kDefaultTtlSeconds);
  } catch (const json::exception&) {
    return error(400, "body must be JSON with account, channel and optionally name, moderator and ttl");
  }
  const auto outcome = issuer_.issue(token_request, unix_now_());
  if (const auto* refusal = std::get_if<JoinTokenRefusal>(&outcome)) {
    return error(refusal->http_status, refusal->reason);
  }
  const auto& issued = std::get<IssuedJoinToken>(outcome);
  return json_response(200, {{"token", issued.token},
                             {"expires", issued.expires},
                             {"url", "/?token=" + issued.token}});
}

}  // namespace webvox::app
