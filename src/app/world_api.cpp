#include "app/world_api.hpp"

#include <spdlog/spdlog.h>

#include "core/avatar_account.hpp"
#include "core/channel_uri.hpp"
#include "base/log_text.hpp"
#include "base/secure_random.hpp"
#include "base/uuid.hpp"
#include "world/parcel_channel.hpp"
#include "world/secondlife_headers.hpp"
#include "world/world_request.hpp"

namespace webvox::app {
namespace {

constexpr std::string_view kPositionPath = "/world/position";
constexpr std::string_view kLinkPath = "/world/link";
constexpr std::string_view kRedeemPrefix = "/j/";
// 128 random bits as unpadded base64url.
constexpr std::size_t kCodeBytes = 16;
constexpr std::size_t kCodeLength = 22;

// Plain text, one line: what an LSL script shows its owner with llOwnerSay.
http::Response text(unsigned status, std::string_view line) {
  http::Response response{status, "text/plain; charset=utf-8", std::string(line) + "\n", {}};
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::Response method_not_allowed(std::string_view allowed) {
  auto response = text(405, "use " + std::string(allowed));
  response.headers.emplace_back("Allow", std::string(allowed));
  return response;
}

http::Response too_many(std::string_view what, int retry_after_seconds) {
  auto response = text(429, "too many " + std::string(what) + " for this avatar; slow down");
  response.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return response;
}

bool is_link_code(std::string_view code) {
  if (code.size() != kCodeLength) return false;
  for (const char c : code) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

WorldApi::WorldApi(std::string secret, std::string realm, const JoinTokenIssuer& issuer,
                   core::ChannelService& channels, world::LinkCodeStore& codes,
                   PlaceFromWorld place, WorldClock clock)
    : WorldApi(std::move(secret), std::move(realm), issuer, channels, codes, std::move(place),
               std::move(clock), ViewerRegions{}) {}

WorldApi::WorldApi(std::string secret, std::string realm, const JoinTokenIssuer& issuer,
                   core::ChannelService& channels, world::LinkCodeStore& codes,
                   PlaceFromWorld place, WorldClock clock, ViewerRegions regions)
    : secret_(std::move(secret)),
      realm_(std::move(realm)),
      issuer_(issuer),
      channels_(channels),
      codes_(codes),
      place_(std::move(place)),
      clock_(std::move(clock)),
      regions_(std::move(regions)),
      position_limits_(WorldLimits::kPositionsPerSecond, WorldLimits::kPositionBurst,
                       WorldLimits::kMaxAvatarsTracked),
      link_limits_(WorldLimits::kLinksPerSecond, WorldLimits::kLinkBurst,
                   WorldLimits::kMaxAvatarsTracked) {}

std::optional<http::Response> WorldApi::serve(const http::Request& request) {
  const auto path = std::string_view(request.target).substr(0, request.target.find('?'));
  if (path == kPositionPath || path == kLinkPath) {
    if (request.method != "POST") return method_not_allowed("POST");
    if (request.body.size() > world::WorldRequestLimits::kMaxBodyBytes) {
      return text(413, "the body is over " +
                           std::to_string(world::WorldRequestLimits::kMaxBodyBytes) + " bytes");
    }
    return path == kPositionPath ? report_position(request) : make_link(request);
  }
  if (path.starts_with(kRedeemPrefix)) {
    if (request.method != "GET") return method_not_allowed("GET");
    return redeem(request, path.substr(kRedeemPrefix.size()));
  }
  return std::nullopt;
}

std::optional<http::Response> WorldApi::authenticate(
    const std::optional<std::string>& secret) const {
  if (!secret) {
    spdlog::warn("world request without a secret");
    return text(403, "the world secret is missing (form field 'secret')");
  }
  if (!base::secrets_equal(*secret, secret_)) {
    spdlog::warn("world request with a wrong secret");
    return text(403, "wrong world secret");
  }
  return std::nullopt;
}

base::Expected<std::string, http::Response> WorldApi::avatar_account(
    const http::Request& request) const {
  const auto owner = request.secondlife_header("x-secondlife-owner-key");
  if (owner.empty()) {
    return base::unexpected(
        text(400, "no X-SecondLife-Owner-Key header: send this from an in-world script"));
  }
  const auto uuid = base::parse_uuid(owner);
  if (!uuid || base::is_nil(*uuid)) {
    return base::unexpected(text(400, "X-SecondLife-Owner-Key is not an avatar key"));
  }
  return core::avatar_account_name(*uuid);
}

bool WorldApi::allow(base::KeyedRateLimiter& limiter, const std::string& account) {
  std::lock_guard lock(limits_mutex_);
  return limiter.try_take(account, clock_.monotonic());
}

http::Response WorldApi::report_position(const http::Request& request) {
  const auto parsed = world::parse_position_report(request.body);
  if (auto refusal = authenticate(parsed.secret)) return std::move(*refusal);
  auto account = avatar_account(request);
  if (!account) return std::move(account).error();
  const auto& name = *account;
  if (!allow(position_limits_, name)) return too_many("positions", 1);
  if (!parsed.content) return text(400, parsed.content.error().reason);
  const auto& position = parsed.content->position;
  if (regions_.directory) {
    // Ties this region's exact corner to the region viewers are seen in here: the frame the
    // region's viewers and this wearer's browser share.
    if (const auto corner =
            world::region_corner_of(request.secondlife_header("x-secondlife-region"))) {
      regions_.directory->note_world(*corner, position.x, position.y);
    }
  }
  place_(name, position, clock_.monotonic());
  return text(200, "ok");
}

std::optional<core::Channel> WorldApi::viewer_region_channel(const http::Request& request) {
  if (!regions_.directory || !regions_.estate_channel) return std::nullopt;
  const auto corner = world::region_corner_of(request.secondlife_header("x-secondlife-region"));
  if (!corner) return std::nullopt;
  const auto local =
      world::local_position_of(request.secondlife_header("x-secondlife-local-position"));
  if (!local) return std::nullopt;
  const auto region = regions_.directory->note_world(*corner, local->x, local->y);
  if (!region) return std::nullopt;
  return regions_.estate_channel(*region);
}

http::Response WorldApi::make_link(const http::Request& request) {
  const auto parsed = world::parse_link_request(request.body);
  if (auto refusal = authenticate(parsed.secret)) return std::move(*refusal);
  auto account = avatar_account(request);
  if (!account) return std::move(account).error();
  const auto& name = *account;
  if (!allow(link_limits_, name)) return too_many("join links", 10);
  if (!parsed.content) return text(400, parsed.content.error().reason);
  const auto& link = *parsed.content;
  const auto found = world::find_parcel_channel(
      channels_, {link.parcel_id, link.estate_voice, link.region_id,
                  world::region_name_of(request.secondlife_header("x-secondlife-region"))});
  auto channel = found;
  // A region whose viewers talk through webvoxd's viewer voice has no Vivox channels: its
  // estate voice room's channel is the one (docs/viewers.md). A parcel with its own voice
  // has a room of its own that nothing here can name (LSL tells a script the parcel's
  // GlobalID, viewers the parcel's local number): not offered.
  if (!channel && link.estate_voice) channel = viewer_region_channel(request);
  if (!channel) {
    if (!link.estate_voice && regions_.directory) {
      return text(404,
                  "this parcel has its own voice channel: webvoxd brings browsers into a "
                  "region's estate voice only (docs/viewers.md); ask for a join link instead");
    }
    return text(404,
                "this parcel has no voice channel yet: voice must be on for the parcel, and "
                "the region makes its channel when a viewer with voice enters it");
  }
  // Not a moderator, whatever the HUD might say: the claim would rest only on the shared
  // secret that every copy of the HUD carries (docs/world.md).
  const JoinTokenRequest token_request{
      name, core::channel_uri(channel->id, realm_),
      std::string(request.secondlife_header("x-secondlife-owner-name")), false,
      WorldLimits::kLinkTokenSeconds};
  const auto issued = issuer_.issue(token_request, clock_.unix_now());
  if (!issued) return text(issued.error().http_status, issued.error().reason);
  const auto code = base::random_url_token(kCodeBytes);
  const auto now = clock_.monotonic();
  codes_.put(code, issued->token, now, now + WorldLimits::kLinkCodeLifetime);
  spdlog::info("world join link for {} into channel {}", base::log_text(name), channel->id);
  return {200,
          "text/plain; charset=utf-8",
          std::string(kRedeemPrefix) + code,
          {{"Cache-Control", "no-store"}}};
}

http::Response WorldApi::redeem(const http::Request& request, std::string_view code) {
  const auto token = is_link_code(code) ? codes_.take(code, clock_.monotonic()) : std::nullopt;
  if (!token) {
    return text(404, "this join link has expired or was already used: touch the HUD again");
  }
  auto response = text(303, "see Location");
  response.headers.emplace_back("Location", "/?token=" + *token);
  // The token must not travel on to whatever the page links to.
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  return response;
}

}  // namespace webvox::app
