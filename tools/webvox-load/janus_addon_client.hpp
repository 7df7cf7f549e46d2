// The viewer's path through the Janus REST API (option A, shared/spec/viewer-webrtc.md §3.3,
// §3.4), as os-webrtc-janus ([OS] flavour) drives it for one viewer connection: its own Janus
// session, AudioBridge handle and long poll (one event per GET); the room `create` (spatial
// audio, 48 kHz, the addon's number and description; "already exists" accepted) that every
// viewer connection sends; `join` with the participant id and the agent as display, carrying
// the offer; then the trickle with the viewer's candidates and {"completed":true}. The same
// client serves Janus AudioBridge itself and webvoxd's Janus door.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "janus_api.hpp"
#include "viewer_signalling.hpp"

namespace webvox::load {

struct JanusAddonRoom {
  std::int64_t number = 0;
  std::string description;
};

class JanusAddonClient final : public ViewerSignalling {
 public:
  JanusAddonClient(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint server,
                   JanusApiSettings api, JanusAddonRoom room, ViewerIdentity identity);

  void provision(const std::string& offer_sdp, std::function<void(ProvisionResult)> done) override;
  void trickle(std::vector<std::string> candidates) override;
  void stop() override { api_.stop(); }

 private:
  void create_room(std::function<void(ProvisionResult)> done);
  void join(std::function<void(ProvisionResult)> done);

  JanusApi api_;
  JanusAddonRoom room_;
  ViewerIdentity identity_;
  std::string offer_sdp_;
  std::optional<std::uint64_t> handle_;
};

}  // namespace webvox::load
