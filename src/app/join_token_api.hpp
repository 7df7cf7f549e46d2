#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "app/admin_gate.hpp"
#include "base/expected.hpp"
#include "core/admin_auth.hpp"
#include "core/channel_service.hpp"
#include "core/join_token.hpp"
#include "base/log_budget.hpp"
#include "http/http_message.hpp"

namespace webvox::app {

struct JoinTokenRequest {
  std::string account;
  std::string channel_uri;
  std::string name;
  bool moderator = false;
  std::int64_t ttl_seconds = core::JoinTokenSigner::kDefaultTtlSeconds;
};

struct IssuedJoinToken {
  std::string token;
  std::int64_t expires = 0;
};

struct JoinTokenRefusal {
  unsigned http_status;  // 400 bad request, 404 no such channel
  std::string reason;
};

// Issues join tokens for existing channels; shared by the admin endpoint and `webvoxd token`.
class JoinTokenIssuer {
 public:
  JoinTokenIssuer(const core::JoinTokenSigner& signer, core::ChannelService& channels,
                  std::string realm);

  base::Expected<IssuedJoinToken, JoinTokenRefusal> issue(const JoinTokenRequest& request,
                                                          std::int64_t now) const;

 private:
  const core::JoinTokenSigner& signer_;
  core::ChannelService& channels_;
  std::string realm_;
};

// POST /admin/join-tokens with HTTP Basic admin credentials (docs/signalling.md). The
// credentials are checked through the admin sign-in throttle: too many failures answer 429
// with Retry-After, unchecked.
class JoinTokenApi {
 public:
  JoinTokenApi(core::AdminAuth& admin, const JoinTokenIssuer& issuer,
               std::function<std::int64_t()> unix_now,
               std::function<core::MonotonicTime()> monotonic_now);

  // Nothing if the request is not for this endpoint.
  std::optional<http::Response> serve(const http::Request& request);

 private:
  AdminGate gate_;
  const JoinTokenIssuer& issuer_;
  std::function<std::int64_t()> unix_now_;
};

}  // namespace webvox::app
