#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "app/join_token_api.hpp"
#include "base/expected.hpp"
#include "core/channel_service.hpp"
#include "base/keyed_rate_limiter.hpp"
#include "base/steady_time.hpp"
#include "core/position.hpp"
#include "http/http_message.hpp"
#include "world/link_code_store.hpp"
#include "world/region_directory.hpp"

namespace webvox::app {

struct WorldClock {
  std::function<base::SteadyTime()> monotonic;  // the hub's clock
  std::function<std::int64_t()> unix_now;       // seconds, for join-token expiry
};

// Hands a position reported from the world to signalling (SignallingHub::place_from_world).
using PlaceFromWorld = std::function<void(const std::string& account,
                                          const core::Position& position, base::SteadyTime now)>;

// Viewer voice's regions (docs/viewers.md, "One world"): where HUD reports tie a region's
// corner to the region viewers named, and the channel a region's viewers talk in. Null and
// empty: viewer voice is off.
struct ViewerRegions {
  world::RegionDirectory* directory = nullptr;
  // The channel bridged to the estate voice room of this region (lower-case UUID).
  std::function<std::optional<core::Channel>(const std::string& region_id)> estate_channel;
};

struct WorldLimits {
  // A HUD reports at most once a second (integrations/opensim/webvox-hud.lsl); the burst
  // absorbs requests that the simulator's queue delivers bunched together.
  static constexpr double kPositionsPerSecond = 1.0;
  static constexpr double kPositionBurst = 5;
  // Links come from a touch: a few in a row, then one per 10 s.
  static constexpr double kLinksPerSecond = 0.1;
  static constexpr double kLinkBurst = 3;
  static constexpr std::size_t kMaxAvatarsTracked = 10000;
  // Long enough to read the viewer's "load this page?" dialog and click it.
  static constexpr std::chrono::seconds kLinkCodeLifetime{300};
  static constexpr std::size_t kMaxLinkCodes = 10000;
  // The browser keeps the token in its address bar and signs in with it again on a reload.
  static constexpr std::int64_t kLinkTokenSeconds = 4 * 3600;
};

// The endpoints an in-world HUD calls (docs/world.md), on when `world-secret` is set:
//   POST /world/position  the wearer's region-local position and heading
//   POST /world/link      a short, single-use link into the parcel's voice channel
//   GET  /j/<code>        redeems such a link: 303 to /?token=<join token>
// The avatar is the X-SecondLife-Owner-Key the simulator puts on every llHTTPRequest (a
// script cannot set or change it); the shared secret is what shows that a request comes from
// the grid's HUD and not from anyone who can reach webvoxd.
class WorldApi {
 public:
  WorldApi(std::string secret, std::string realm, const JoinTokenIssuer& issuer,
           core::ChannelService& channels, world::LinkCodeStore& codes, PlaceFromWorld place,
           WorldClock clock, ViewerRegions regions);
  WorldApi(std::string secret, std::string realm, const JoinTokenIssuer& issuer,
           core::ChannelService& channels, world::LinkCodeStore& codes, PlaceFromWorld place,
           WorldClock clock);

  // Nothing if the request is not for these endpoints. Safe to call from several threads.
  std::optional<http::Response> serve(const http::Request& request);

 private:
  std::optional<http::Response> authenticate(const std::optional<std::string>& secret) const;
  // The account of the avatar the request comes from, or the response that refuses it.
  base::Expected<std::string, http::Response> avatar_account(const http::Request& request) const;
  bool allow(base::KeyedRateLimiter& limiter, const std::string& account);

  http::Response report_position(const http::Request& request);
  http::Response make_link(const http::Request& request);
  http::Response redeem(const http::Request& request, std::string_view code);
  // The viewer voice channel of the region the request comes from (X-SecondLife-Region and
  // -Local-Position), when viewers were seen where the wearer stands.
  std::optional<core::Channel> viewer_region_channel(const http::Request& request);

  const std::string secret_;
  const std::string realm_;
  const JoinTokenIssuer& issuer_;
  core::ChannelService& channels_;
  world::LinkCodeStore& codes_;
  PlaceFromWorld place_;
  WorldClock clock_;
  ViewerRegions regions_;

  std::mutex limits_mutex_;
  base::KeyedRateLimiter position_limits_;
  base::KeyedRateLimiter link_limits_;
};

}  // namespace webvox::app
