#include "app/join_token_api.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/account_service.hpp"
#include "core/channel_uri.hpp"
#include "base/secure_random.hpp"
#include "signalling/client_message.hpp"

namespace webvox::app {
namespace {

using nlohmann::json;

http::Response json_response(unsigned status, const json& body) {
  return {
      status, "application/json", body.dump(-1, ' ', false, json::error_handler_t::replace), {}};
}

}  // namespace

JoinTokenIssuer::JoinTokenIssuer(const core::JoinTokenSigner& signer,
                                 core::ChannelService& channels, std::string realm)
    : signer_(signer), channels_(channels), realm_(std::move(realm)) {}

base::Expected<IssuedJoinToken, JoinTokenRefusal> JoinTokenIssuer::issue(
    const JoinTokenRequest& request, std::int64_t now) const {
  if (!core::AccountService::is_valid_name(request.account)) {
    return base::unexpected(JoinTokenRefusal{400, "account is not a valid account name"});
  }
  if (request.ttl_seconds < 1 || request.ttl_seconds > core::JoinTokenSigner::kMaxTtlSeconds) {
    return base::unexpected(JoinTokenRefusal{400, "ttl must be from 1 second to 7 days"});
  }
  const auto id = core::parse_channel_uri(request.channel_uri, realm_);
  const auto channel = id ? channels_.find(*id) : std::nullopt;
  if (!channel || channel->is_directory()) {
    return base::unexpected(JoinTokenRefusal{404, "no such channel"});
  }
  const core::JoinClaims claims{request.account, request.channel_uri, now + request.ttl_seconds,
                                signalling::clean_display_name(request.name), request.moderator};
  return IssuedJoinToken{signer_.sign(claims), claims.expires};
}

JoinTokenApi::JoinTokenApi(core::AdminAuth& admin, const JoinTokenIssuer& issuer,
                           std::function<std::int64_t()> unix_now,
                           std::function<core::MonotonicTime()> monotonic_now)
    : gate_(admin, std::move(monotonic_now)), issuer_(issuer), unix_now_(std::move(unix_now)) {}

std::optional<http::Response> JoinTokenApi::serve(const http::Request& request) {
  const auto path = std::string_view(request.target).substr(0, request.target.find('?'));
  if (path != "/admin/join-tokens") return std::nullopt;
  if (request.method != "POST") return admin_error(405, "use POST");
  if (auto refusal = gate_.refuse(request, "join token request")) return refusal;
  JoinTokenRequest token_request;
  try {
    const auto body = json::parse(request.body);
    token_request.account = body.at("account").get<std::string>();
    token_request.channel_uri = body.at("channel").get<std::string>();
    token_request.name = body.value("name", std::string());
    token_request.moderator = body.value("moderator", false);
    token_request.ttl_seconds = body.value("ttl", core::JoinTokenSigner::kDefaultTtlSeconds);
  } catch (const json::exception&) {
    return admin_error(
        400, "body must be JSON with account, channel and optionally name, moderator and ttl");
  }
  const auto outcome = issuer_.issue(token_request, unix_now_());
  if (!outcome) return admin_error(outcome.error().http_status, outcome.error().reason);
  const auto& issued = *outcome;
  return json_response(
      200,
      {{"token", issued.token}, {"expires", issued.expires}, {"url", "/?token=" + issued.token}});
}

}  // namespace webvox::app
