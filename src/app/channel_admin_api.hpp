#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/admin_gate.hpp"
#include "app/admin_request.hpp"
#include "base/steady_time.hpp"
#include "core/channel_service.hpp"
#include "http/http_message.hpp"
#include "signalling/signalling_hub.hpp"

namespace webvox::app {

// The media side of the channel admin API, as main wires it; any part may be empty (no
// forwarding, no viewer voice).
struct ChannelAdminMedia {
  struct SpeakerCounts {
    std::uint64_t carried = 0;
    std::uint64_t silenced = 0;
  };
  // What the forwarding counted of a member's packets (SfuService::speaker_counts).
  std::function<std::optional<SpeakerCounts>(core::ChannelId, const std::string& member)>
      speaker_counts;
  // Viewer voice (ViewerService), by the agent's UUID.
  std::function<void(core::ChannelId, const std::string& agent, std::chrono::seconds cooldown)>
      kick_viewer;
  std::function<void(core::ChannelId, const std::string& agent, bool muted)> mute_viewer;
  std::function<void(core::ChannelId)> close_viewers;
  struct ViewerRoom {
    std::string id;
    std::size_t sessions = 0;
  };
  // Viewer voice rooms bridged to no channel (group calls; every room under media-mode mesh).
  std::function<std::vector<ViewerRoom>()> unbridged_viewer_rooms;
};

class SfuService;
class ViewerService;

// What webvoxd's forwarding and viewer voice (either may be null) give the API.
ChannelAdminMedia channel_admin_media(SfuService* sfu, ViewerService* viewers);

// The grid operator's channel API (docs/admin.md): list channels and their members, kick,
// mute, close. Every call is behind the AdminGate (HTTP Basic admin credentials, sign-in
// throttle); answers and errors are JSON ({"error": "…"}).
class ChannelAdminApi {
 public:
  // How long a kicked account stays out of the channel.
  static constexpr std::chrono::seconds kRejoinCooldown = signalling::RejoinCooldown::kDefault;

  ChannelAdminApi(AdminGate& gate, signalling::SignallingHub& hub, core::ChannelService& channels,
                  std::string realm, ChannelAdminMedia media,
                  std::function<base::SteadyTime()> now = base::SteadyClock::now);

  // Nothing if the request is not for this API.
  std::optional<http::Response> serve(const http::Request& request);

 private:
  http::Response list();
  http::Response show(const core::Channel& channel, const std::string& uri);
  http::Response kick(const core::Channel& channel, const std::string& uri,
                      const std::string& account);
  http::Response mute(const core::Channel& channel, const std::string& account, bool muted);
  http::Response close(const core::Channel& channel, const std::string& uri);
  nlohmann::json channel_json(const core::Channel& channel, const std::string& uri,
                              const std::optional<signalling::SignallingHub::ChannelView>& view);

  AdminGate& gate_;
  signalling::SignallingHub& hub_;
  core::ChannelService& channels_;
  std::string realm_;
  ChannelAdminMedia media_;
  std::function<base::SteadyTime()> now_;
};

}  // namespace webvox::app
