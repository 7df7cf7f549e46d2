#include "viewer/janus_gateway.hpp"

#include <algorithm>
#include <cstring>
#include <utility>
#include <variant>

#include "base/secure_random.hpp"
#include "viewer/janus_gateway_core.hpp"
#include "viewer/janus_trickle.hpp"

namespace webvox::viewer {

using nlohmann::json;

std::vector<std::string_view> split_janus_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

namespace janus_internal {

std::string shown(std::string_view text) {
  constexpr std::size_t kShown = 64;
  if (text.size() <= kShown) return std::string(text);
  return std::string(text.substr(0, kShown)) + "...";
}

}  // namespace janus_internal

using namespace janus_internal;

namespace {

std::uint64_t os_random() {
  const auto bytes = base::secure_random_bytes(sizeof(std::uint64_t));
  std::uint64_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}

}  // namespace

JanusGateway::Core::Core(ViewerVoice& voice_service, JanusGatewayConfig gateway_config,
                         RandomSource random_source)
    : voice(voice_service),
      config(std::move(gateway_config)),
      random(random_source ? std::move(random_source) : RandomSource(os_random)) {}

void JanusGateway::Core::take_deferred(Effects& fx) {
  for (auto& call : deferred_voice) fx.voice.push_back(std::move(call));
  deferred_voice.clear();
}

void JanusGateway::Core::defer_voice(Effects& fx) {
  for (auto& call : fx.voice) deferred_voice.push_back(std::move(call));
  fx.voice.clear();
}

bool JanusGateway::Core::secret_ok(const std::string& expected,
                                   const std::optional<std::string_view>& provided) const {
  if (expected.empty() || !provided) return false;
  return base::secrets_equal(*provided, expected);
}

void JanusGateway::Core::refuse(Effects& fx, JanusResponder& respond, unsigned status,
                                std::uint64_t session_id,
                                std::optional<std::string_view> transaction, JanusError code,
                                std::string_view reason) {
  ++stats.requests_refused;
  fx.reply(std::move(respond), status, janus_error_reply(session_id, transaction, code, reason));
}

void JanusGateway::Core::refuse(Effects& fx, JanusResponder& respond, std::uint64_t session_id,
                                std::optional<std::string_view> transaction,
                                const JanusFailure& failure) {
  refuse(fx, respond, 200, session_id, transaction, failure.code, failure.reason);
}

void JanusGateway::Core::refuse_plugin(Effects& fx, JanusResponder& respond, PluginReplyKind kind,
                                       Seat seat, std::optional<std::string_view> transaction,
                                       const AudioBridgeFailure& failure) {
  ++stats.requests_refused;
  fx.reply(std::move(respond), 200,
           janus_plugin_reply(kind, seat.session, seat.handle, transaction,
                              audiobridge_error_data(failure)));
}

void JanusGateway::Core::refuse_closed(Effects& fx, JanusResponder& respond) {
  refuse(fx, respond, 503, 0, std::nullopt, JanusError::NotAcceptingSessions, "Shutting down");
}

void JanusGateway::Core::refuse_method(Effects& fx, JanusResponder& respond,
                                       std::string_view method) {
  refuse(fx, respond, 405, 0, std::nullopt, JanusError::TransportSpecific,
         "Unsupported method " + shown(method));
}

void JanusGateway::Core::refuse_path(Effects& fx, JanusResponder& respond) {
  refuse(fx, respond, 404, 0, std::nullopt, JanusError::InvalidRequestPath,
         default_reason(JanusError::InvalidRequestPath));
}

std::optional<JanusEnvelope> JanusGateway::Core::read_envelope(std::string_view body,
                                                               std::uint64_t path_session,
                                                               JanusResponder& respond,
                                                               Effects& fx) {
  auto parsed = parse_janus_envelope(body, config.max_body_bytes);
  if (!parsed) {
    const EnvelopeError& error = parsed.error();
    ++stats.requests_malformed;
    fx.reply(std::move(respond), 200,
             janus_error_reply(path_session != 0 ? path_session : error.session_id, std::nullopt,
                               error.failure));
    return std::nullopt;
  }
  return std::move(parsed).value();
}

void JanusGateway::Core::push_event(Session& session, std::string text, Effects& fx) {
  if (session.poll) {
    ++stats.polls_answered_with_event;
    fx.reply(std::move(session.poll->respond), 200, std::move(text));
    session.poll.reset();
    return;
  }
  session.events.push_back(std::move(text));
  while (session.events.size() > config.max_events_per_session) {
    session.events.pop_front();
    ++stats.events_dropped_queue_full;
  }
}

void JanusGateway::Core::end_join(Seat seat, Handle& handle, EndReason reason, std::string_view why,
                                  Effects& fx) {
  if (reason == EndReason::Logout || reason == EndReason::Ended) handle.event_generation = 0;
  if (!handle.join) return;
  Join join = std::move(*handle.join);
  handle.join.reset();
  if (const auto room = rooms.find(join.room); room != rooms.end()) {
    const auto seated = room->second.participants.find(join.participant_id);
    if (seated != room->second.participants.end() && seated->second == seat) {
      room->second.participants.erase(seated);
    }
  }
  if (const auto waiting = pending.find(join.generation); waiting != pending.end()) {
    ++stats.joins_cancelled;
    refuse_plugin(fx, waiting->second.respond, PluginReplyKind::Event, waiting->second.seat,
                  waiting->second.transaction,
                  {AudioBridgeError::UnknownError, "Join cancelled: " + std::string(why)});
    pending.erase(waiting);
  }
  // Not yet provisioned: the provision's answer finds no pending join and logs it out.
  if (reason == EndReason::Logout && !join.viewer_session.empty()) {
    fx.voice.push_back(
        [&voice = voice, agent = std::move(join.agent_id),
         session = std::move(join.viewer_session)] { voice.logout(agent, session); });
  }
}

void JanusGateway::Core::end_session(std::uint64_t session_id, Session& session,
                                     std::string_view why, Effects& fx) {
  for (auto& [handle_id, handle] : session.handles) {
    end_join({session_id, handle_id}, handle, EndReason::Logout, why, fx);
  }
  // The addon stops polling a session it destroyed once this poll returns.
  if (session.poll) {
    ++stats.polls_keepalive;
    fx.reply(std::move(session.poll->respond), 200, janus_keepalive());
    session.poll.reset();
  }
}

void JanusGateway::Core::handle(const JanusHttpRequest& request, Time now, JanusResponder respond,
                                Effects& fx) {
  ++stats.requests;
  if (closed) return refuse_closed(fx, respond);
  if (request.method == "GET") return handle_get(request, now, respond, fx);
  if (request.method == "POST") return handle_post(request, now, respond, fx);
  refuse_method(fx, respond, request.method);
}

void JanusGateway::Core::handle_get(const JanusHttpRequest& request, Time now,
                                    JanusResponder& respond, Effects& fx) {
  if (!secret_ok(config.api_secret, request.apisecret)) {
    ++stats.requests_unauthorized;
    refuse(fx, respond, 403, 0, std::nullopt, JanusError::Unauthorized,
           default_reason(JanusError::Unauthorized));
    return;
  }
  if (request.path.size() == 1 && request.path[0] == "info") {
    fx.reply(std::move(respond), 200, janus_server_info_reply(std::nullopt, server_info()));
    return;
  }
  // GET /S/H is a long poll on S (Janus redirects it there).
  const auto session_id = request.path.empty() || request.path.size() > 2
                              ? std::nullopt
                              : parse_janus_id_segment(request.path[0]);
  if (!session_id) return refuse_path(fx, respond);
  const auto found = sessions.find(*session_id);
  if (found == sessions.end()) {
    refuse(fx, respond, 404, *session_id, std::nullopt, JanusError::SessionNotFound,
           "No such session " + std::to_string(*session_id));
    return;
  }
  Session& session = found->second;
  session.last_activity = now;
  if (!session.events.empty()) {
    ++stats.polls_answered_with_event;
    fx.reply(std::move(respond), 200, std::move(session.events.front()));
    session.events.pop_front();
    return;
  }
  // One poll waits per session: a newer GET takes over and the older gets a keepalive.
  if (session.poll) {
    ++stats.polls_superseded;
    fx.reply(std::move(session.poll->respond), 200, janus_keepalive());
  }
  session.poll = ParkedPoll{std::move(respond), now};
}

JanusServerInfo JanusGateway::Core::server_info() const {
  JanusServerInfo info = config.info;
  info.session_timeout_seconds = static_cast<std::uint64_t>(config.session_timeout.count());
  return info;
}

void JanusGateway::Core::handle_post(const JanusHttpRequest& request, Time now,
                                     JanusResponder& respond, Effects& fx) {
  if (request.path.size() == 1 && request.path[0] == "info") {
    refuse(fx, respond, 200, 0, std::nullopt, JanusError::TransportSpecific,
           "Use GET for the info endpoint");
    return;
  }
  std::optional<std::uint64_t> path_session;
  std::optional<std::uint64_t> path_handle;
  if (request.path.size() > 2 ||
      (request.path.size() >= 1 && !(path_session = parse_janus_id_segment(request.path[0]))) ||
      (request.path.size() == 2 && !(path_handle = parse_janus_id_segment(request.path[1])))) {
    return refuse_path(fx, respond);
  }
  const auto read = read_envelope(request.body, path_session.value_or(0), respond, fx);
  if (!read) return;
  const JanusEnvelope& envelope = *read;
  const std::string_view tx = envelope.transaction;

  // Ids: the path's, else the body's (Janus's HTTP transport does the same).
  std::uint64_t session_id = envelope.session_id.value_or(0);
  if (path_session) {
    if (session_id != 0 && session_id != *path_session) {
      refuse(fx, respond, 200, 0, tx, JanusError::InvalidRequestPath,
             "Conflicting session ID (payload and path)");
      return;
    }
    session_id = *path_session;
  }
  std::optional<std::uint64_t> handle_id = envelope.handle_id;
  if (path_handle) {
    if (handle_id && *handle_id != 0 && *handle_id != *path_handle) {
      refuse(fx, respond, 200, 0, tx, JanusError::InvalidRequestPath,
             "Conflicting handle ID (payload and path)");
      return;
    }
    handle_id = path_handle;
  }

  if (!secret_ok(config.api_secret, envelope.apisecret)) {
    ++stats.requests_unauthorized;
    refuse(fx, respond, 200, session_id, tx, JanusError::Unauthorized,
           default_reason(JanusError::Unauthorized));
    return;
  }
  const auto unhandled_here = [&] {
    refuse(fx, respond, 200, session_id, tx, JanusError::InvalidRequestPath,
           "Unhandled request '" + shown(envelope.verb_text) + "' at this path");
  };

  if (session_id == 0) {
    switch (envelope.verb) {
      case JanusVerb::Create:
        return create_session(tx, now, respond, fx);
      case JanusVerb::Info:
        fx.reply(std::move(respond), 200, janus_server_info_reply(tx, server_info()));
        return;
      case JanusVerb::Ping:
        fx.reply(std::move(respond), 200, janus_pong_reply(tx));
        return;
      default:
        return unhandled_here();
    }
  }
  const auto found = sessions.find(session_id);
  if (found == sessions.end()) {
    refuse(fx, respond, 200, session_id, tx, JanusError::SessionNotFound,
           "No such session " + std::to_string(session_id));
    return;
  }
  Session& session = found->second;
  session.last_activity = now;

  switch (envelope.verb) {
    case JanusVerb::Keepalive:
      fx.reply(std::move(respond), 200, janus_ack_reply(session_id, tx));
      return;
    case JanusVerb::Attach:
      if (path_handle) return unhandled_here();
      return attach(session_id, session, envelope, respond, fx);
    case JanusVerb::Destroy:
      // os-webrtc-janus puts its handle_id on every body, a session destroy included
      // (spec §3.2); Janus would answer 457. Routed by the URL: this is a session destroy.
      if (path_handle) return unhandled_here();
      ++stats.sessions_destroyed;
      end_session(session_id, session, "session destroyed", fx);
      sessions.erase(found);
      fx.reply(std::move(respond), 200, janus_success_reply(session_id, tx));
      return;
    case JanusVerb::Detach:
    case JanusVerb::Message:
    case JanusVerb::Trickle:
      break;
    case JanusVerb::Create:
    case JanusVerb::Info:
    case JanusVerb::Ping:
      return unhandled_here();
    case JanusVerb::ListSessions:
    case JanusVerb::Unknown:
      refuse(fx, respond, 200, session_id, tx, JanusError::UnknownRequest,
             "Unknown request '" + shown(envelope.verb_text) + "'");
      return;
  }

  // Handle-level requests.
  if (!handle_id) return unhandled_here();
  const auto handle = session.handles.find(*handle_id);
  if (*handle_id == 0 || handle == session.handles.end()) {
    refuse(fx, respond, 200, session_id, tx, JanusError::HandleNotFound,
           "No such handle " + std::to_string(*handle_id) + " in session " +
               std::to_string(session_id));
    return;
  }
  const Seat seat{session_id, *handle_id};
  switch (envelope.verb) {
    case JanusVerb::Detach:
      end_join(seat, handle->second, EndReason::Logout, "handle detached", fx);
      session.handles.erase(handle);
      push_event(session, janus_detached_event(session_id, seat.handle), fx);
      fx.reply(std::move(respond), 200, janus_success_reply(session_id, tx));
      return;
    case JanusVerb::Trickle:
      return trickle(seat, handle->second, envelope, respond, fx);
    default:
      return message(seat, handle->second, envelope, now, respond, fx);
  }
}

void JanusGateway::Core::create_session(std::string_view tx, Time now, JanusResponder& respond,
                                        Effects& fx) {
  if (sessions.size() >= config.max_sessions) {
    ++stats.sessions_refused_full;
    refuse(fx, respond, 200, 0, tx, JanusError::NotAcceptingSessions,
           "Too many sessions (limit " + std::to_string(config.max_sessions) + ")");
    return;
  }
  const auto id = pick_id(kMaxSessionId, [&](std::uint64_t v) { return sessions.contains(v); });
  if (!id) {
    refuse(fx, respond, 200, 0, tx, JanusError::Unknown, "No free session id");
    return;
  }
  sessions.emplace(*id, Session{now, {}, {}, std::nullopt});
  ++stats.sessions_created;
  fx.reply(std::move(respond), 200, janus_id_reply(0, tx, *id));
}

void JanusGateway::Core::attach(std::uint64_t session_id, Session& session,
                                const JanusEnvelope& envelope, JanusResponder& respond,
                                Effects& fx) {
  const std::string_view tx = envelope.transaction;
  if (auto check = check_member(envelope.root, "plugin", JsonKind::String, true); !check) {
    refuse(fx, respond, 200, session_id, tx,
           check.problem == MemberProblem::Missing ? JanusError::MissingMandatoryElement
                                                   : JanusError::InvalidElementType,
           check.reason);
    return;
  }
  const auto& plugin = json_member(envelope.root, "plugin")->get_ref<const std::string&>();
  if (plugin != kAudioBridgePlugin) {
    refuse(fx, respond, 200, session_id, tx, JanusError::PluginNotFound,
           "No such plugin '" + shown(plugin) + "'");
    return;
  }
  if (session.handles.size() >= config.max_handles_per_session) {
    ++stats.handles_refused_full;
    refuse(fx, respond, 200, session_id, tx, JanusError::PluginAttach,
           "Couldn't attach to plugin: too many handles in this session (limit " +
               std::to_string(config.max_handles_per_session) + ")");
    return;
  }
  const auto id =
      pick_id(kMaxSessionId, [&](std::uint64_t v) { return session.handles.contains(v); });
  if (!id) {
    refuse(fx, respond, 200, session_id, tx, JanusError::Unknown, "No free handle id");
    return;
  }
  session.handles.emplace(*id, Handle{});
  fx.reply(std::move(respond), 200, janus_id_reply(session_id, tx, *id));
}

void JanusGateway::Core::trickle(Seat seat, Handle& handle, const JanusEnvelope& envelope,
                                 JanusResponder& respond, Effects& fx) {
  auto parsed = parse_janus_trickle(envelope.root, config.max_candidates_per_trickle);
  if (!parsed) {
    refuse(fx, respond, seat.session, envelope.transaction, parsed.error());
    return;
  }
  auto& trickled = *parsed;
  stats.candidates_rejected += trickled.rejected;
  stats.candidates_over_limit += trickled.over_limit;
  if (handle.join && !handle.join->viewer_session.empty()) {
    stats.candidates_passed += trickled.candidates.size();
    if (!trickled.candidates.empty() || trickled.completed) {
      fx.voice.push_back([&voice = voice, session = handle.join->viewer_session,
                          candidates = std::move(trickled.candidates),
                          completed = trickled.completed]() mutable {
        voice.trickle(session, std::move(candidates), completed);
      });
    }
  } else if (const auto waiting =
                 handle.join ? pending.find(handle.join->generation) : pending.end();
             waiting != pending.end()) {
    // Janus queues candidates that come before the answer; so does this door, a few.
    auto& early = waiting->second;
    for (auto& candidate : trickled.candidates) {
      if (early.early_candidates.size() < config.max_early_candidates) {
        early.early_candidates.push_back(std::move(candidate));
      } else {
        ++stats.candidates_early_dropped;
      }
    }
    early.early_completed = early.early_completed || trickled.completed;
  } else {
    stats.candidates_without_join += trickled.candidates.size();
  }
  fx.reply(std::move(respond), 200, janus_ack_reply(seat.session, envelope.transaction));
}

void JanusGateway::Core::handle_admin(const JanusHttpRequest& request, JanusResponder respond,
                                      Effects& fx) {
  ++stats.requests;
  if (closed) return refuse_closed(fx, respond);
  if (request.method != "POST") return refuse_method(fx, respond, request.method);
  if (!request.path.empty()) return refuse_path(fx, respond);
  const auto read = read_envelope(request.body, 0, respond, fx);
  if (!read) return;
  const JanusEnvelope& envelope = *read;
  const std::string_view tx = envelope.transaction;
  const std::optional<std::string_view> secret =
      envelope.admin_secret ? std::optional<std::string_view>(*envelope.admin_secret)
                            : std::nullopt;
  if (!secret_ok(config.admin_secret, secret)) {
    ++stats.requests_unauthorized;
    refuse(fx, respond, 200, 0, tx, JanusError::Unauthorized,
           default_reason(JanusError::Unauthorized));
    return;
  }
  switch (envelope.verb) {
    case JanusVerb::ListSessions: {
      std::vector<std::uint64_t> ids;
      ids.reserve(sessions.size());
      for (const auto& entry : sessions) ids.push_back(entry.first);
      std::sort(ids.begin(), ids.end());
      fx.reply(std::move(respond), 200, janus_sessions_reply(tx, ids));
      return;
    }
    case JanusVerb::Info:
      fx.reply(std::move(respond), 200, janus_server_info_reply(tx, server_info()));
      return;
    case JanusVerb::Ping:
      fx.reply(std::move(respond), 200, janus_pong_reply(tx));
      return;
    default:
      refuse(fx, respond, 200, 0, tx, JanusError::UnknownRequest,
             "Unknown request '" + shown(envelope.verb_text) + "'");
      return;
  }
}

void JanusGateway::Core::sweep(Time now, Effects& fx) {
  for (auto it = sessions.begin(); it != sessions.end();) {
    Session& session = it->second;
    if (session.poll) {
      if (now - session.poll->since >= config.poll_keepalive) {
        ++stats.polls_keepalive;
        fx.reply(std::move(session.poll->respond), 200, janus_keepalive());
        session.poll.reset();
        session.last_activity = now;
      }
      ++it;
      continue;
    }
    if (now - session.last_activity >= config.session_timeout) {
      ++stats.sessions_timed_out;
      end_session(it->first, session, "session timed out", fx);
      it = sessions.erase(it);
      continue;
    }
    ++it;
  }

  std::vector<std::uint64_t> expired;
  for (const auto& [generation, join_request] : pending) {
    if (now >= join_request.deadline) expired.push_back(generation);
  }
  for (const auto generation : expired) {
    const auto waiting = pending.find(generation);
    if (waiting == pending.end()) continue;
    PendingJoin join_request = std::move(waiting->second);
    pending.erase(waiting);
    ++stats.joins_timed_out;
    refuse_plugin(fx, join_request.respond, PluginReplyKind::Event, join_request.seat,
                  join_request.transaction,
                  {AudioBridgeError::UnknownError, "Timed out waiting for the media service"});
    if (Handle* handle = find_handle(join_request.seat);
        handle != nullptr && handle->join && handle->join->generation == generation) {
      end_join(join_request.seat, *handle, EndReason::Logout, "timed out", fx);
    }
  }

  for (auto it = rooms.begin(); it != rooms.end();) {
    Room& room = it->second;
    if (!room.participants.empty()) {
      room.empty_since.reset();
    } else if (!room.empty_since) {
      room.empty_since = now;
    } else if (now - *room.empty_since >= config.empty_room_lifetime) {
      it = rooms.erase(it);
      continue;
    }
    ++it;
  }
}

void JanusGateway::Core::close(Effects& fx) {
  if (closed) return;
  closed = true;
  for (auto& [session_id, session] : sessions) {
    end_session(session_id, session, "server shutting down", fx);
  }
  sessions.clear();
  rooms.clear();
  for (auto& [generation, join_request] : pending) {
    refuse_plugin(fx, join_request.respond, PluginReplyKind::Event, join_request.seat,
                  join_request.transaction,
                  {AudioBridgeError::UnknownError, "Server shutting down"});
  }
  pending.clear();
}

JanusGatewayStats JanusGateway::Core::snapshot() const {
  JanusGatewayStats out = stats;
  out.sessions = sessions.size();
  out.rooms = rooms.size();
  out.pending_joins = pending.size();
  out.handles = out.parked_polls = out.queued_events = out.participants = 0;
  for (const auto& [id, session] : sessions) {
    out.handles += session.handles.size();
    out.queued_events += session.events.size();
    if (session.poll) ++out.parked_polls;
  }
  for (const auto& [number, room] : rooms) out.participants += room.participants.size();
  return out;
}

JanusGateway::JanusGateway(ViewerVoice& voice, JanusGatewayConfig config, RandomSource random)
    : core_(std::make_shared<Core>(voice, std::move(config), std::move(random))) {}

JanusGateway::~JanusGateway() { close(); }

void JanusGateway::handle(const JanusHttpRequest& request, JanusClock::time_point now,
                          JanusResponder respond) {
  Effects fx;
  {
    std::lock_guard lock(core_->mutex);
    core_->take_deferred(fx);
    core_->handle(request, now, std::move(respond), fx);
  }
  fx.run();
}

void JanusGateway::handle_admin(const JanusHttpRequest& request, JanusClock::time_point now,
                                JanusResponder respond) {
  (void)now;
  Effects fx;
  {
    std::lock_guard lock(core_->mutex);
    core_->take_deferred(fx);
    core_->handle_admin(request, std::move(respond), fx);
  }
  fx.run();
}

void JanusGateway::sweep(JanusClock::time_point now) {
  Effects fx;
  {
    std::lock_guard lock(core_->mutex);
    core_->take_deferred(fx);
    core_->sweep(now, fx);
  }
  fx.run();
}

void JanusGateway::close() {
  Effects fx;
  {
    std::lock_guard lock(core_->mutex);
    core_->take_deferred(fx);
    core_->close(fx);
  }
  fx.run();
}

JanusGatewayStats JanusGateway::stats() const {
  std::lock_guard lock(core_->mutex);
  return core_->snapshot();
}

}  // namespace webvox::viewer
