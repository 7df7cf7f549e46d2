#include "app/viewer_doors.hpp"

#include <openssl/crypto.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "base/query_string.hpp"

namespace webvox::app {

namespace {

using Clock = std::chrono::steady_clock;

bool same_secret(std::string_view given, std::string_view secret) {
  return given.size() == secret.size() &&
         CRYPTO_memcmp(given.data(), secret.data(), secret.size()) == 0;
}

// The path below `base` if the target is `base` itself or under it ("/janus", "/janus/1"),
// without the query; nothing otherwise ("/janusfoo").
std::optional<std::string_view> below(std::string_view path, std::string_view base) {
  if (!path.starts_with(base)) return std::nullopt;
  const auto rest = path.substr(base.size());
  if (!rest.empty() && rest.front() != '/') return std::nullopt;
  return rest;
}

// The query's apisecret, percent-decoded with '+' kept (os-webrtc-janus appends its token
// unencoded, and the same token comes verbatim in POST bodies).
std::optional<std::string> apisecret_of(std::string_view query) {
  while (!query.empty()) {
    const auto end = query.find('&');
    const auto pair = query.substr(0, end);
    if (pair.starts_with("apisecret=")) return base::percent_decode(pair.substr(10), false);
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return std::nullopt;
}

http::Response json_response(unsigned status, std::string body) {
  return http::Response{status, "application/json", std::move(body), {}};
}

nlohmann::json janus_stats_json(const viewer::JanusGatewayStats& stats) {
  return {{"sessions", stats.sessions},
          {"handles", stats.handles},
          {"rooms", stats.rooms},
          {"participants", stats.participants},
          {"parked_polls", stats.parked_polls},
          {"pending_joins", stats.pending_joins},
          {"queued_events", stats.queued_events},
          {"requests", stats.requests},
          {"requests_unauthorized", stats.requests_unauthorized},
          {"requests_malformed", stats.requests_malformed},
          {"requests_refused", stats.requests_refused},
          {"sessions_created", stats.sessions_created},
          {"sessions_destroyed", stats.sessions_destroyed},
          {"sessions_timed_out", stats.sessions_timed_out},
          {"sessions_refused_full", stats.sessions_refused_full},
          {"handles_refused_full", stats.handles_refused_full},
          {"rooms_refused_full", stats.rooms_refused_full},
          {"events_dropped_queue_full", stats.events_dropped_queue_full},
          {"polls_answered_with_event", stats.polls_answered_with_event},
          {"polls_keepalive", stats.polls_keepalive},
          {"polls_superseded", stats.polls_superseded},
          {"joins_started", stats.joins_started},
          {"joins_succeeded", stats.joins_succeeded},
          {"joins_failed", stats.joins_failed},
          {"joins_timed_out", stats.joins_timed_out},
          {"joins_cancelled", stats.joins_cancelled},
          {"candidates_passed", stats.candidates_passed},
          {"candidates_rejected", stats.candidates_rejected},
          {"candidates_over_limit", stats.candidates_over_limit},
          {"candidates_without_join", stats.candidates_without_join},
          {"candidates_early_dropped", stats.candidates_early_dropped},
          {"stale_voice_callbacks", stats.stale_voice_callbacks}};
}

}  // namespace

ViewerDoors::ViewerDoors(boost::asio::io_context& io, viewer::ViewerVoice& voice, Secrets secrets,
                         viewer::JanusServerInfo janus_info, ViewerDoorsStatus status)
    : voice_rpc_secret_(std::move(secrets.voice_rpc)),
      sweep_timer_(io),
      status_(std::move(status)) {
  if (!voice_rpc_secret_.empty()) door_ = std::make_unique<viewer::VoiceRpcDoor>(voice);
  if (!secrets.janus_api.empty()) {
    viewer::JanusGatewayConfig config;
    config.api_secret = std::move(secrets.janus_api);
    config.admin_secret = std::move(secrets.janus_admin);
    config.info = std::move(janus_info);
    gateway_ = std::make_unique<viewer::JanusGateway>(voice, std::move(config));
    schedule_sweep();
  }
}

ViewerDoors::~ViewerDoors() { close(); }

void ViewerDoors::close() {
  sweep_timer_.cancel();
  if (gateway_) gateway_->close();
}

void ViewerDoors::schedule_sweep() {
  sweep_timer_.expires_after(std::chrono::seconds(1));
  sweep_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    gateway_->sweep(Clock::now());
    schedule_sweep();
  });
}

std::optional<viewer::JanusGatewayStats> ViewerDoors::janus_stats() const {
  if (!gateway_) return std::nullopt;
  return gateway_->stats();
}

http::Response ViewerDoors::status() const {
  nlohmann::json out;
  out["service"] = status_.service ? status_.service() : nlohmann::json::object();
  if (door_) {
    auto& rpc = out["voice_rpc"];
    for (std::size_t i = 0; i < static_cast<std::size_t>(viewer::VoiceRpcOutcome::kCount); ++i) {
      const auto outcome = static_cast<viewer::VoiceRpcOutcome>(i);
      rpc[std::string(viewer::to_string(outcome))] = door_->count(outcome);
    }
  }
  if (gateway_) out["janus"] = janus_stats_json(gateway_->stats());
  return json_response(200, out.dump());
}

bool ViewerDoors::serve(const http::Request& request, http::Respond& respond) {
  const std::string_view target = request.target;
  const auto query_at = target.find('?');
  const auto path = target.substr(0, query_at);
  const auto query =
      query_at == std::string_view::npos ? std::string_view{} : target.substr(query_at + 1);

  if (status_.gate && path == kStatusPath) {
    if (request.method != "GET") {
      respond(admin_error(405, "use GET"));
    } else if (auto refusal = status_.gate->refuse(request, "viewer voice status request")) {
      respond(std::move(*refusal));
    } else {
      respond(status());
    }
    return true;
  }

  if (door_ && path.starts_with(kVoiceRpcPath)) {
    if (!same_secret(path.substr(kVoiceRpcPath.size()), voice_rpc_secret_)) return false;
    if (request.method != "POST") {
      respond(http::Response{405, "text/plain; charset=utf-8", "POST only\n", {{"Allow", "POST"}}});
      return true;
    }
    // The connector calls EnsureSuccessStatusCode: every answer, errors too, is HTTP 200.
    door_->handle(request.body,
                  [respond](std::string reply) { respond(json_response(200, std::move(reply))); });
    return true;
  }
  if (!gateway_) return false;
  const bool admin = below(path, kJanusAdminPath).has_value();
  const auto rest = admin ? below(path, kJanusAdminPath) : below(path, kJanusPath);
  if (!rest) return false;
  const auto apisecret = apisecret_of(query);
  viewer::JanusHttpRequest janus{
      request.method, viewer::split_janus_path(*rest),
      apisecret ? std::optional<std::string_view>(*apisecret) : std::nullopt, request.body};
  auto reply = [respond](viewer::JanusHttpReply answer) {
    respond(json_response(answer.status, std::move(answer.body)));
  };
  if (admin) {
    gateway_->handle_admin(janus, Clock::now(), std::move(reply));
  } else {
    gateway_->handle(janus, Clock::now(), std::move(reply));
  }
  return true;
}

}  // namespace webvox::app
