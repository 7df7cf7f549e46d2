// The JSON texts webvoxd answers os-webrtc-janus with, shaped as Janus shapes them
// (janus-gateway src/janus.c janus_create_message / janus_process_error, src/ice.c events,
// src/plugins/janus_audiobridge.c plugin data). Every function returns one JSON object.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "viewer/janus_api_error.hpp"
#include "viewer/janus_json.hpp"

namespace webvox::viewer {

inline constexpr std::string_view kAudioBridgePlugin = "janus.plugin.audiobridge";

// {"janus":"error","session_id"?,"transaction"?,"error":{"code","reason"}}; session_id 0 and an
// absent transaction are left out, as Janus does.
std::string janus_error_reply(std::uint64_t session_id, std::optional<std::string_view> transaction,
                              JanusError code, std::string_view reason);
std::string janus_error_reply(std::uint64_t session_id, std::optional<std::string_view> transaction,
                              const JanusFailure& failure);

// {"janus":"success","session_id"?,"transaction"} (destroy, detach).
std::string janus_success_reply(std::uint64_t session_id, std::string_view transaction);
// {"janus":"success","session_id"?,"transaction","data":{"id"}}: create (session_id 0) and attach.
std::string janus_id_reply(std::uint64_t session_id, std::string_view transaction,
                           std::uint64_t id);
// {"janus":"ack","session_id","transaction"} (trickle, keepalive).
std::string janus_ack_reply(std::uint64_t session_id, std::string_view transaction);
// {"janus":"pong","transaction"}.
std::string janus_pong_reply(std::string_view transaction);
// {"janus":"keepalive"}: a long poll with nothing to deliver.
std::string janus_keepalive();

// How a plugin result travels: a synchronous request's "success", or an asynchronous
// request's "event" (which os-webrtc-janus accepts in the POST reply, spec §3.2).
enum class PluginReplyKind { Success, Event };

// {"janus":<kind>,"session_id","transaction"?,"sender","plugindata":{"plugin","data"},"jsep"?}.
std::string janus_plugin_reply(PluginReplyKind kind, std::uint64_t session_id,
                               std::uint64_t handle_id, std::optional<std::string_view> transaction,
                               JanusJson data, std::optional<std::string_view> answer_sdp = {});

// AudioBridge's error data: {"audiobridge":"event","error_code","error"}.
JanusJson audiobridge_error_data(const AudioBridgeFailure& failure);

// Events a handle raises on its session's long poll (src/ice.c).
std::string janus_webrtcup_event(std::uint64_t session_id, std::uint64_t handle_id);
std::string janus_hangup_event(std::uint64_t session_id, std::uint64_t handle_id,
                               std::string_view reason);
std::string janus_detached_event(std::uint64_t session_id, std::uint64_t handle_id);

// What GET /info (and the admin "info") tells the addon's console.
struct JanusServerInfo {
  std::string name = "webvox";
  std::string version_string;
  std::string server_name;
  std::uint64_t session_timeout_seconds = 60;
  bool accepting_new_sessions = true;
};
std::string janus_server_info_reply(std::optional<std::string_view> transaction,
                                    const JanusServerInfo& info);

// Admin list_sessions: {"janus":"success","transaction","sessions":[ids]}.
std::string janus_sessions_reply(std::string_view transaction,
                                 std::span<const std::uint64_t> session_ids);

}  // namespace webvox::viewer
