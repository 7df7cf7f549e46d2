#pragma once

#include <functional>

#include "app/channel_admin_api.hpp"
#include "app/join_token_api.hpp"
#include "app/operations_endpoints.hpp"
#include "app/static_files.hpp"
#include "app/viewer_doors.hpp"
#include "app/world_api.hpp"
#include "http/http_message.hpp"
#include "vivox/vivox_api.hpp"

namespace webvox::app {

// Maps HTTP requests to the application: /…/api2/{script} to the Vivox API (always HTTP 200
// with an XML body, errors included), /admin/join-tokens to the token API, /admin/channels…
// to the channel admin API, /world/… and /j/…
// to the in-world HUD endpoints (when world-secret is set), /viewer-voice/… and /janus… to the
// viewer-voice doors (when their secrets are set), /metrics, /healthz and /readyz to the
// operations endpoints (when set), other paths to the browser
// client's files, and anything else to a plain 404. (The WebSocket at /signal is
// served before routing, see SignallingEndpoint.)
class HttpRoutes final : public http::RequestHandler {
 public:
  // `join_tokens`, `files` and `world` may be null (tests of the Vivox API alone; `world`:
  // no world-secret, so those paths answer 404).
  // `clock` stamps each Vivox call for the sign-in throttle.
  HttpRoutes(vivox::VivoxApi& vivox, JoinTokenApi* join_tokens, const StaticFiles* files,
             WorldApi* world = nullptr, ViewerDoors* viewer_doors = nullptr,
             std::function<core::MonotonicTime()> clock = std::chrono::steady_clock::now)
      : vivox_(vivox),
        join_tokens_(join_tokens),
        files_(files),
        world_(world),
        viewer_doors_(viewer_doors),
        clock_(std::move(clock)) {}

  // /admin/channels… (docs/admin.md); none: those paths answer 404.
  void set_channel_admin(ChannelAdminApi* channel_admin) { channel_admin_ = channel_admin; }
  // GET /metrics, /healthz and /readyz (null: 404 like any unknown path).
  void set_operations(OperationsEndpoints* operations) { operations_ = operations; }
  // Where each Vivox call is counted and timed (null: not counted).
  void set_vivox_metrics(VivoxCallMetrics* metrics) { vivox_metrics_ = metrics; }

  http::Response handle(const http::Request& request) override;
  // The viewer-voice doors answer later (a provision, a Janus long poll); the rest at once.
  void handle_async(http::Request request, http::Respond respond) override;

 private:
  http::Response route(const http::Request& request);

  vivox::VivoxApi& vivox_;
  JoinTokenApi* join_tokens_;
  const StaticFiles* files_;
  WorldApi* world_;
  ViewerDoors* viewer_doors_;
  ChannelAdminApi* channel_admin_ = nullptr;
  std::function<core::MonotonicTime()> clock_;
  OperationsEndpoints* operations_ = nullptr;
  VivoxCallMetrics* vivox_metrics_ = nullptr;
};

}  // namespace webvox::app
