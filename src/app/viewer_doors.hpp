#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>

#include <functional>
#include <nlohmann/json.hpp>

#include "app/admin_gate.hpp"
#include "http/http_message.hpp"
#include "viewer/janus_gateway.hpp"
#include "viewer/viewer_voice.hpp"
#include "viewer/voice_rpc.hpp"

namespace webvox::app {

// What /admin/viewer-voice reports of the service behind the doors (its "service" member).
struct ViewerDoorsStatus {
  AdminGate* gate = nullptr;  // null: no status endpoint
  std::function<nlohmann::json()> service;
};

// The two HTTP front doors of viewer voice (docs/viewers.md), as an os-webrtc-janus simulator
// reaches them:
//   POST /viewer-voice/<secret>   the JSON-RPC grid service (WebRtcVoiceServiceConnector's
//                                 WebRtcVoiceServerURI); always HTTP 200 with a JSON-RPC body
//   /janus[/…]                    the Janus REST API subset (JanusGatewayURI)
//   /janus-admin[/…]              its admin API (JanusGatewayAdminURI)
//   GET /admin/viewer-voice        what viewer voice is doing: sessions, rooms, drops by
//                                 reason, door counters (admin credentials; docs/viewers.md)
// A door without its secret is off: its paths answer 404 like any unknown path, as does a
// JSON-RPC path with the wrong secret. Both doors call one ViewerVoice.
class ViewerDoors {
 public:
  struct Secrets {
    std::string voice_rpc;    // viewer-voice-secret
    std::string janus_api;    // janus-api-secret
    std::string janus_admin;  // janus-admin-secret
  };
  static constexpr std::string_view kVoiceRpcPath = "/viewer-voice/";
  static constexpr std::string_view kJanusPath = "/janus";
  static constexpr std::string_view kJanusAdminPath = "/janus-admin";
  static constexpr std::string_view kStatusPath = "/admin/viewer-voice";

  // Sweeps the Janus door (long polls, idle sessions) on `io` every second.
  ViewerDoors(boost::asio::io_context& io, viewer::ViewerVoice& voice, Secrets secrets,
              viewer::JanusServerInfo janus_info = {}, ViewerDoorsStatus status = {});
  ~ViewerDoors();
  ViewerDoors(const ViewerDoors&) = delete;
  ViewerDoors& operator=(const ViewerDoors&) = delete;

  // False (and `respond` untouched) when the request is not for a door that is on.
  bool serve(const http::Request& request, http::Respond& respond);
  // Answers what waits (long polls, joins) and refuses further requests; before the viewer
  // service goes.
  void close();

  bool voice_rpc_on() const { return door_ != nullptr; }
  bool janus_on() const { return gateway_ != nullptr; }
  std::optional<viewer::JanusGatewayStats> janus_stats() const;

 private:
  void schedule_sweep();
  http::Response status() const;

  std::string voice_rpc_secret_;
  std::unique_ptr<viewer::VoiceRpcDoor> door_;
  std::unique_ptr<viewer::JanusGateway> gateway_;
  boost::asio::steady_timer sweep_timer_;
  ViewerDoorsStatus status_;
};

}  // namespace webvox::app
