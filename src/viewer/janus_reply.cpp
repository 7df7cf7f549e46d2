#include "viewer/janus_reply.hpp"

#include <utility>

namespace webvox::viewer {

namespace {

JanusJson message(std::string_view janus, std::uint64_t session_id,
                  std::optional<std::string_view> transaction) {
  JanusJson out = JanusJson::object();
  out["janus"] = janus;
  if (session_id > 0) out["session_id"] = session_id;
  if (transaction) out["transaction"] = *transaction;
  return out;
}

}  // namespace

std::string janus_error_reply(std::uint64_t session_id, std::optional<std::string_view> transaction,
                              JanusError code, std::string_view reason) {
  JanusJson out = message("error", session_id, transaction);
  out["error"] = {{"code", static_cast<int>(code)}, {"reason", reason}};
  return to_json_text(out);
}

std::string janus_error_reply(std::uint64_t session_id, std::optional<std::string_view> transaction,
                              const JanusFailure& failure) {
  return janus_error_reply(session_id, transaction, failure.code, failure.reason);
}

std::string janus_success_reply(std::uint64_t session_id, std::string_view transaction) {
  return to_json_text(message("success", session_id, transaction));
}

std::string janus_id_reply(std::uint64_t session_id, std::string_view transaction,
                           std::uint64_t id) {
  JanusJson out = message("success", session_id, transaction);
  out["data"] = {{"id", id}};
  return to_json_text(out);
}

std::string janus_ack_reply(std::uint64_t session_id, std::string_view transaction) {
  return to_json_text(message("ack", session_id, transaction));
}

std::string janus_pong_reply(std::string_view transaction) {
  return to_json_text(message("pong", 0, transaction));
}

std::string janus_keepalive() { return R"({"janus":"keepalive"})"; }

std::string janus_plugin_reply(PluginReplyKind kind, std::uint64_t session_id,
                               std::uint64_t handle_id, std::optional<std::string_view> transaction,
                               JanusJson data, std::optional<std::string_view> answer_sdp) {
  JanusJson out =
      message(kind == PluginReplyKind::Success ? "success" : "event", session_id, transaction);
  out["sender"] = handle_id;
  JanusJson plugindata = JanusJson::object();
  plugindata["plugin"] = kAudioBridgePlugin;
  plugindata["data"] = std::move(data);
  out["plugindata"] = std::move(plugindata);
  if (answer_sdp) {
    JanusJson jsep = JanusJson::object();
    jsep["type"] = "answer";
    jsep["sdp"] = *answer_sdp;
    out["jsep"] = std::move(jsep);
  }
  return to_json_text(out);
}

JanusJson audiobridge_error_data(const AudioBridgeFailure& failure) {
  JanusJson data = JanusJson::object();
  data["audiobridge"] = "event";
  data["error_code"] = static_cast<int>(failure.code);
  data["error"] = failure.reason;
  return data;
}

namespace {

std::string handle_event(std::string_view janus, std::uint64_t session_id,
                         std::uint64_t handle_id) {
  JanusJson out = message(janus, session_id, std::nullopt);
  out["sender"] = handle_id;
  return to_json_text(out);
}

}  // namespace

std::string janus_webrtcup_event(std::uint64_t session_id, std::uint64_t handle_id) {
  return handle_event("webrtcup", session_id, handle_id);
}

std::string janus_hangup_event(std::uint64_t session_id, std::uint64_t handle_id,
                               std::string_view reason) {
  JanusJson out = message("hangup", session_id, std::nullopt);
  out["sender"] = handle_id;
  out["reason"] = reason;
  return to_json_text(out);
}

std::string janus_detached_event(std::uint64_t session_id, std::uint64_t handle_id) {
  return handle_event("detached", session_id, handle_id);
}

std::string janus_server_info_reply(std::optional<std::string_view> transaction,
                                    const JanusServerInfo& info) {
  JanusJson out = message("server_info", 0, transaction);
  out["name"] = info.name;
  out["version_string"] = info.version_string;
  out["author"] = "webvox";
  out["server-name"] = info.server_name;
  out["data_channels"] = true;
  out["accepting-new-sessions"] = info.accepting_new_sessions;
  out["session-timeout"] = info.session_timeout_seconds;
  out["ice-lite"] = true;
  out["api_secret"] = true;
  out["auth_token"] = false;
  JanusJson plugin = JanusJson::object();
  plugin["name"] = "webvox AudioBridge (per-listener spatial mix)";
  plugin["version_string"] = info.version_string;
  plugin["author"] = "webvox";
  JanusJson plugins = JanusJson::object();
  plugins[std::string(kAudioBridgePlugin)] = std::move(plugin);
  out["plugins"] = std::move(plugins);
  JanusJson transport = JanusJson::object();
  transport["name"] = "webvox HTTP (Janus REST subset)";
  transport["version_string"] = info.version_string;
  transport["author"] = "webvox";
  JanusJson transports = JanusJson::object();
  transports["janus.transport.http"] = std::move(transport);
  out["transports"] = std::move(transports);
  return to_json_text(out);
}

std::string janus_sessions_reply(std::string_view transaction,
                                 std::span<const std::uint64_t> session_ids) {
  JanusJson out = message("success", 0, transaction);
  JanusJson list = JanusJson::array();
  for (const auto id : session_ids) list.push_back(id);
  out["sessions"] = std::move(list);
  return to_json_text(out);
}

}  // namespace webvox::viewer
