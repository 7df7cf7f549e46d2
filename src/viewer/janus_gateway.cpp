#include "viewer/janus_gateway.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <variant>

#include "core/secure_random.hpp"
#include "core/uuid.hpp"
#include "viewer/janus_audiobridge_request.hpp"
#include "viewer/janus_json.hpp"
#include "viewer/janus_request.hpp"
#include "viewer/janus_room_key.hpp"
#include "viewer/janus_trickle.hpp"

namespace webvox::viewer {

using nlohmann::json;
using Time = JanusClock::time_point;

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

namespace {

// Janus hands out ids a JavaScript (or OSD/C#) client holds exactly: at most 2^53 - 1.
constexpr std::uint64_t kMaxSessionId = (std::uint64_t{1} << 53) - 1;
// Participant and room numbers this door picks fit a positive C# int: [MB] reads the
// participant id with (int) and os-webrtc-janus's room numbers are positive ints.
constexpr std::uint64_t kMaxSmallId = 0x7fffffff;

constexpr std::string_view kEndedReason = "Viewer voice session ended";

// Text from the request that is echoed in an error reason is cut to this many bytes.
std::string shown(std::string_view text) {
  constexpr std::size_t kShown = 64;
  if (text.size() <= kShown) return std::string(text);
  return std::string(text.substr(0, kShown)) + "...";
}

struct Join {
  std::uint64_t generation = 0;
  std::uint64_t room = 0;
  std::uint64_t participant_id = 0;
  std::string agent_id;
  std::string display;
  std::string viewer_session;  // empty until ViewerVoice provisioned it
  bool media_up = false;
};

struct Handle {
  std::optional<Join> join;
  // The join whose ViewerVoice events this handle reports (0: none). It outlives `join` when
  // a newer join of the same agent and participant id on another handle took the seat, so
  // that the older viewer session's Ended still reaches this handle as a hangup.
  std::uint64_t event_generation = 0;
};

struct ParkedPoll {
  JanusResponder respond;
  Time since;
};

struct Session {
  Time last_activity;
  std::map<std::uint64_t, Handle> handles;
  std::deque<std::string> events;
  std::optional<ParkedPoll> poll;
};

struct Seat {
  std::uint64_t session = 0;
  std::uint64_t handle = 0;
  bool operator==(const Seat&) const = default;
};

struct Room {
  std::string description;
  bool spatial_audio = false;
  bool is_private = false;
  std::optional<std::string> pin;
  std::optional<std::string> secret;
  RoomKey key;
  std::map<std::uint64_t, Seat> participants;  // by participant id
  std::optional<Time> empty_since;
};

// A join whose POST waits for ViewerVoice::provision.
struct PendingJoin {
  JanusResponder respond;
  std::string transaction;
  Seat seat;
  Time deadline;
  std::vector<rtc::sdp::Candidate> early_candidates;
  bool early_completed = false;
};

// What a call decided under the lock, done after it is released.
struct Effects {
  std::vector<std::pair<JanusResponder, JanusHttpReply>> replies;
  std::vector<std::function<void()>> voice;

  void reply(JanusResponder respond, unsigned status, std::string body) {
    if (respond) replies.emplace_back(std::move(respond), JanusHttpReply{status, std::move(body)});
  }
  void run() {
    for (auto& [respond, reply] : replies) respond(std::move(reply));
    for (auto& call : voice) call();
  }
};

enum class EndReason {
  Logout,      // the door ends it (leave, detach, destroy, timeout, a new join on the handle)
  Superseded,  // the same agent took the participant id from another handle
  Ended,       // ViewerVoice reported the session gone
};

std::uint64_t os_random() {
  const auto bytes = core::secure_random_bytes(sizeof(std::uint64_t));
  std::uint64_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}

bool is_async_request(const json& body) {
  const json* request = json_member(body, "request");
  if (request == nullptr || !request->is_string()) return false;
  const auto& text = request->get_ref<const std::string&>();
  for (const std::string_view name : {"join", "leave", "configure", "changeroom", "hangup"}) {
    if (equals_ignoring_case(text, name)) return true;
  }
  return false;
}

AudioBridgeFailure provision_failure(const ProvisionError& error) {
  switch (error.failure) {
    case ProvisionFailure::BadOffer:
      return {AudioBridgeError::InvalidSdp, "Invalid SDP: " + error.message};
    case ProvisionFailure::Full:
      return {AudioBridgeError::UnknownError, "Voice server full: " + error.message};
    case ProvisionFailure::Unavailable:
      return {AudioBridgeError::UnknownError, "Viewer voice unavailable: " + error.message};
  }
  return {AudioBridgeError::UnknownError, error.message};
}

}  // namespace

struct JanusGateway::Core : std::enable_shared_from_this<JanusGateway::Core> {
  Core(ViewerVoice& voice_service, JanusGatewayConfig gateway_config, RandomSource random_source)
      : voice(voice_service),
        config(std::move(gateway_config)),
        random(random_source ? std::move(random_source) : RandomSource(os_random)) {}

  ViewerVoice& voice;
  const JanusGatewayConfig config;
  RandomSource random;

  mutable std::mutex mutex;
  bool closed = false;
  std::unordered_map<std::uint64_t, Session> sessions;
  std::map<std::uint64_t, Room> rooms;
  std::unordered_map<std::uint64_t, PendingJoin> pending;  // by join generation
  std::uint64_t next_generation = 1;
  std::vector<std::function<void()>> deferred_voice;
  JanusGatewayStats stats;

  // ---- small helpers (lock held) -------------------------------------------------------

  void take_deferred(Effects& fx) {
    for (auto& call : deferred_voice) fx.voice.push_back(std::move(call));
    deferred_voice.clear();
  }
  void defer_voice(Effects& fx) {
    for (auto& call : fx.voice) deferred_voice.push_back(std::move(call));
    fx.voice.clear();
  }

  bool secret_ok(const std::string& expected, const std::optional<std::string_view>& provided) const {
    if (expected.empty() || !provided) return false;
    return core::secrets_equal(*provided, expected);
  }

  template <typename InUse>
  std::optional<std::uint64_t> pick_id(std::uint64_t mask, InUse in_use) {
    for (int attempt = 0; attempt < 64; ++attempt) {
      const std::uint64_t value = random() & mask;
      if (value != 0 && !in_use(value)) return value;
    }
    return std::nullopt;
  }

  void refuse(Effects& fx, JanusResponder& respond, unsigned status, std::uint64_t session_id,
              std::optional<std::string_view> transaction, JanusError code,
              std::string_view reason) {
    ++stats.requests_refused;
    fx.reply(std::move(respond), status, janus_error_reply(session_id, transaction, code, reason));
  }
  void refuse(Effects& fx, JanusResponder& respond, std::uint64_t session_id,
              std::optional<std::string_view> transaction, const JanusFailure& failure) {
    refuse(fx, respond, 200, session_id, transaction, failure.code, failure.reason);
  }
  void refuse_plugin(Effects& fx, JanusResponder& respond, PluginReplyKind kind, Seat seat,
                     std::optional<std::string_view> transaction,
                     const AudioBridgeFailure& failure) {
    ++stats.requests_refused;
    fx.reply(std::move(respond), 200,
             janus_plugin_reply(kind, seat.session, seat.handle, transaction,
                                audiobridge_error_data(failure)));
  }

  // Refusals that happen before a request is read.
  void refuse_closed(Effects& fx, JanusResponder& respond) {
    refuse(fx, respond, 503, 0, std::nullopt, JanusError::NotAcceptingSessions, "Shutting down");
  }
  void refuse_method(Effects& fx, JanusResponder& respond, std::string_view method) {
    refuse(fx, respond, 405, 0, std::nullopt, JanusError::TransportSpecific,
           "Unsupported method " + shown(method));
  }
  void refuse_path(Effects& fx, JanusResponder& respond) {
    refuse(fx, respond, 404, 0, std::nullopt, JanusError::InvalidRequestPath,
           default_reason(JanusError::InvalidRequestPath));
  }
  // The body's envelope, or nothing when it is malformed (then answered with Janus's error,
  // carrying the path's session id if there is one, else the body's).
  std::optional<JanusEnvelope> read_envelope(std::string_view body, std::uint64_t path_session,
                                             JanusResponder& respond, Effects& fx) {
    auto parsed = parse_janus_envelope(body, config.max_body_bytes);
    if (auto* error = std::get_if<EnvelopeError>(&parsed)) {
      ++stats.requests_malformed;
      fx.reply(std::move(respond), 200,
               janus_error_reply(path_session != 0 ? path_session : error->session_id,
                                 std::nullopt, error->failure));
      return std::nullopt;
    }
    return std::move(std::get<JanusEnvelope>(parsed));
  }

  Handle* find_handle(Seat seat) {
    const auto session = sessions.find(seat.session);
    if (session == sessions.end()) return nullptr;
    const auto handle = session->second.handles.find(seat.handle);
    return handle == session->second.handles.end() ? nullptr : &handle->second;
  }

  void push_event(Session& session, std::string text, Effects& fx) {
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

  // Takes the handle out of its room and ends its viewer session as `reason` says.
  void end_join(Seat seat, Handle& handle, EndReason reason, std::string_view why, Effects& fx) {
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
      fx.voice.push_back([&voice = voice, agent = std::move(join.agent_id),
                          session = std::move(join.viewer_session)] {
        voice.logout(agent, session);
      });
    }
  }

  void end_session(std::uint64_t session_id, Session& session, std::string_view why, Effects& fx) {
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

  JanusJson participant_list(const Room& room, std::optional<Seat> except) {
    JanusJson list = JanusJson::array();
    for (const auto& [participant_id, seat] : room.participants) {
      if (except && seat == *except) continue;
      const Handle* handle = find_handle(seat);
      if (handle == nullptr || !handle->join) continue;
      JanusJson entry = JanusJson::object();
      entry["id"] = participant_id;
      entry["display"] = handle->join->display;
      entry["setup"] = handle->join->media_up;
      entry["muted"] = false;
      entry["talking"] = false;
      list.push_back(std::move(entry));
    }
    return list;
  }

  // ---- the Janus API ---------------------------------------------------------------------

  void handle(const JanusHttpRequest& request, Time now, JanusResponder respond, Effects& fx) {
    ++stats.requests;
    if (closed) return refuse_closed(fx, respond);
    if (request.method == "GET") return handle_get(request, now, respond, fx);
    if (request.method == "POST") return handle_post(request, now, respond, fx);
    refuse_method(fx, respond, request.method);
  }

  void handle_get(const JanusHttpRequest& request, Time now, JanusResponder& respond,
                  Effects& fx) {
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

  JanusServerInfo server_info() const {
    JanusServerInfo info = config.info;
    info.session_timeout_seconds = static_cast<std::uint64_t>(config.session_timeout.count());
    return info;
  }

  void handle_post(const JanusHttpRequest& request, Time now, JanusResponder& respond,
                   Effects& fx) {
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

  void create_session(std::string_view tx, Time now, JanusResponder& respond, Effects& fx) {
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

  void attach(std::uint64_t session_id, Session& session, const JanusEnvelope& envelope,
              JanusResponder& respond, Effects& fx) {
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

  void trickle(Seat seat, Handle& handle, const JanusEnvelope& envelope, JanusResponder& respond,
               Effects& fx) {
    auto parsed = parse_janus_trickle(envelope.root, config.max_candidates_per_trickle);
    if (auto* failure = std::get_if<JanusFailure>(&parsed)) {
      refuse(fx, respond, seat.session, envelope.transaction, *failure);
      return;
    }
    auto& trickled = std::get<TrickleCandidates>(parsed);
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

  // ---- AudioBridge -----------------------------------------------------------------------

  void message(Seat seat, Handle& handle, const JanusEnvelope& envelope, Time now,
               JanusResponder& respond, Effects& fx) {
    const std::string_view tx = envelope.transaction;
    if (auto check = check_member(envelope.root, "body", JsonKind::Object, true); !check) {
      refuse(fx, respond, 200, seat.session, tx,
             check.problem == MemberProblem::Missing ? JanusError::MissingMandatoryElement
                                                     : JanusError::InvalidElementType,
             check.reason);
      return;
    }
    const json& body = *json_member(envelope.root, "body");
    std::optional<std::string> offer;
    if (const json* jsep = json_member(envelope.root, "jsep"); jsep != nullptr) {
      if (!jsep->is_object()) {
        refuse(fx, respond, 200, seat.session, tx, JanusError::InvalidJsonObject,
               "Invalid jsep object");
        return;
      }
      for (const std::string_view key : {std::string_view("type"), std::string_view("sdp")}) {
        if (auto check = check_member(*jsep, key, JsonKind::String, true); !check) {
          refuse(fx, respond, 200, seat.session, tx,
                 check.problem == MemberProblem::Missing ? JanusError::MissingMandatoryElement
                                                         : JanusError::InvalidElementType,
                 check.reason);
          return;
        }
      }
      const auto& type = json_member(*jsep, "type")->get_ref<const std::string&>();
      const auto& sdp = json_member(*jsep, "sdp")->get_ref<const std::string&>();
      if (equals_ignoring_case(type, "answer")) {
        refuse(fx, respond, 200, seat.session, tx, JanusError::UnexpectedAnswer,
               "Unexpected ANSWER (did we offer?)");
        return;
      }
      if (!equals_ignoring_case(type, "offer")) {
        refuse(fx, respond, 200, seat.session, tx, JanusError::JsepUnknownType,
               "JSEP error: unknown message type '" + shown(type) + "'");
        return;
      }
      if (sdp.size() > config.max_sdp_bytes) {
        refuse(fx, respond, 200, seat.session, tx, JanusError::JsepInvalidSdp,
               "JSEP error: invalid SDP (larger than " + std::to_string(config.max_sdp_bytes) +
                   " bytes)");
        return;
      }
      offer = sdp;
    }

    const auto kind = is_async_request(body) ? PluginReplyKind::Event : PluginReplyKind::Success;
    auto parsed = parse_audiobridge_request(body, config.max_text_bytes);
    if (auto* failure = std::get_if<AudioBridgeFailure>(&parsed)) {
      refuse_plugin(fx, respond, kind, seat, tx, *failure);
      return;
    }
    auto& request = std::get<AudioBridgeRequest>(parsed);
    if (auto* create = std::get_if<AudioBridgeCreate>(&request)) {
      return create_room(seat, *create, tx, now, respond, fx);
    }
    if (auto* destroy = std::get_if<AudioBridgeDestroy>(&request)) {
      return destroy_room(seat, *destroy, tx, respond, fx);
    }
    if (auto* join = std::get_if<AudioBridgeJoin>(&request)) {
      return join_room(seat, handle, *join, std::move(offer), tx, now, respond, fx);
    }
    if (std::holds_alternative<AudioBridgeLeave>(request)) {
      return leave_room(seat, handle, tx, respond, fx);
    }
    if (std::holds_alternative<AudioBridgeConfigure>(request)) {
      if (!handle.join) {
        refuse_plugin(fx, respond, kind, seat, tx,
                      {AudioBridgeError::NotJoined, "Can't configure (not in a room)"});
        return;
      }
      JanusJson data = JanusJson::object();
      data["audiobridge"] = "event";
      data["room"] = handle.join->room;
      data["result"] = "ok";
      fx.reply(std::move(respond), 200,
               janus_plugin_reply(PluginReplyKind::Event, seat.session, seat.handle, tx,
                                  std::move(data)));
      return;
    }
    if (std::holds_alternative<AudioBridgeList>(request)) return list_rooms(seat, tx, respond, fx);
    if (auto* list = std::get_if<AudioBridgeListParticipants>(&request)) {
      const auto room = rooms.find(list->room);
      if (room == rooms.end()) {
        refuse_plugin(fx, respond, kind, seat, tx, no_such_room(list->room));
        return;
      }
      JanusJson data = JanusJson::object();
      data["audiobridge"] = "participants";
      data["room"] = list->room;
      data["participants"] = participant_list(room->second, std::nullopt);
      fx.reply(std::move(respond), 200,
               janus_plugin_reply(PluginReplyKind::Success, seat.session, seat.handle, tx,
                                  std::move(data)));
      return;
    }
    const auto& exists = std::get<AudioBridgeExists>(request);
    JanusJson data = JanusJson::object();
    data["audiobridge"] = "success";
    data["room"] = exists.room;
    data["exists"] = rooms.contains(exists.room);
    fx.reply(std::move(respond), 200,
             janus_plugin_reply(PluginReplyKind::Success, seat.session, seat.handle, tx,
                                std::move(data)));
  }

  static AudioBridgeFailure no_such_room(std::uint64_t room) {
    return {AudioBridgeError::NoSuchRoom, "No such room (" + std::to_string(room) + ")"};
  }

  void create_room(Seat seat, const AudioBridgeCreate& create, std::string_view tx, Time now,
                   JanusResponder& respond, Effects& fx) {
    const auto sync = PluginReplyKind::Success;
    std::optional<std::uint64_t> number = create.room;
    if (number == 0u) number.reset();
    if (number && rooms.contains(*number)) {
      // Correction 7: "success" with AudioBridge's 486 inside; the addon reuses the room.
      refuse_plugin(fx, respond, sync, seat, tx,
                    {AudioBridgeError::RoomExists,
                     "Room " + std::to_string(*number) + " already exists"});
      return;
    }
    if (rooms.size() >= config.max_rooms) {
      ++stats.rooms_refused_full;
      refuse_plugin(fx, respond, sync, seat, tx,
                    {AudioBridgeError::UnknownError,
                     "Too many rooms (limit " + std::to_string(config.max_rooms) + ")"});
      return;
    }
    if (!number) number = pick_id(kMaxSmallId, [&](std::uint64_t v) { return rooms.contains(v); });
    if (!number) {
      refuse_plugin(fx, respond, sync, seat, tx, {AudioBridgeError::UnknownError, "No free room id"});
      return;
    }
    Room room;
    room.description = create.description;
    room.spatial_audio = create.spatial_audio;
    room.is_private = create.is_private;
    room.pin = create.pin;
    room.secret = create.secret;
    room.key = janus_room_key(*number, create.description, create.spatial_audio);
    room.empty_since = now;
    rooms.emplace(*number, std::move(room));

    JanusJson data = JanusJson::object();
    data["audiobridge"] = "created";
    data["room"] = *number;
    data["permanent"] = false;  // webvoxd keeps no room across restarts
    fx.reply(std::move(respond), 200,
             janus_plugin_reply(sync, seat.session, seat.handle, tx, std::move(data)));
  }

  void destroy_room(Seat seat, const AudioBridgeDestroy& destroy, std::string_view tx,
                    JanusResponder& respond, Effects& fx) {
    const auto sync = PluginReplyKind::Success;
    const auto room = rooms.find(destroy.room);
    if (room == rooms.end()) {
      refuse_plugin(fx, respond, sync, seat, tx, no_such_room(destroy.room));
      return;
    }
    if (room->second.secret) {
      if (!destroy.secret) {
        refuse_plugin(fx, respond, sync, seat, tx,
                      {AudioBridgeError::MissingElement, "Missing mandatory element (secret)"});
        return;
      }
      if (!core::secrets_equal(*destroy.secret, *room->second.secret)) {
        refuse_plugin(fx, respond, sync, seat, tx,
                      {AudioBridgeError::Unauthorized, "Unauthorized (wrong secret)"});
        return;
      }
    }
    // Like AudioBridge: everyone in the room is told and hung up.
    JanusJson destroyed = JanusJson::object();
    destroyed["audiobridge"] = "destroyed";
    destroyed["room"] = destroy.room;
    const auto seated = room->second.participants;  // end_join edits the room's list
    for (const auto& [participant_id, member] : seated) {
      const auto session = sessions.find(member.session);
      if (session == sessions.end()) continue;
      const auto handle = session->second.handles.find(member.handle);
      if (handle == session->second.handles.end()) continue;
      end_join(member, handle->second, EndReason::Logout, "room destroyed", fx);
      push_event(session->second,
                 janus_plugin_reply(PluginReplyKind::Event, member.session, member.handle,
                                    std::nullopt, destroyed),
                 fx);
      push_event(session->second, janus_hangup_event(member.session, member.handle, "Room destroyed"),
                 fx);
    }
    rooms.erase(room);
    JanusJson data = JanusJson::object();
    data["audiobridge"] = "destroyed";
    data["room"] = destroy.room;
    data["permanent"] = false;
    fx.reply(std::move(respond), 200,
             janus_plugin_reply(sync, seat.session, seat.handle, tx, std::move(data)));
  }

  void list_rooms(Seat seat, std::string_view tx, JanusResponder& respond, Effects& fx) {
    JanusJson list = JanusJson::array();
    for (const auto& [number, room] : rooms) {
      if (room.is_private) continue;
      JanusJson entry = JanusJson::object();
      entry["room"] = number;
      entry["description"] = room.description;
      entry["sampling_rate"] = 48000;  // webvoxd mixes Opus at 48 kHz whatever was asked
      entry["spatial_audio"] = room.key.spatial;
      entry["pin_required"] = room.pin.has_value();
      entry["record"] = false;
      entry["muted"] = false;
      entry["num_participants"] = room.participants.size();
      list.push_back(std::move(entry));
    }
    JanusJson data = JanusJson::object();
    data["audiobridge"] = "success";
    data["list"] = std::move(list);
    fx.reply(std::move(respond), 200,
             janus_plugin_reply(PluginReplyKind::Success, seat.session, seat.handle, tx,
                                std::move(data)));
  }

  void leave_room(Seat seat, Handle& handle, std::string_view tx, JanusResponder& respond,
                  Effects& fx) {
    if (!handle.join) {
      refuse_plugin(fx, respond, PluginReplyKind::Event, seat, tx,
                    {AudioBridgeError::NotJoined, "Can't leave (not in a room)"});
      return;
    }
    JanusJson data = JanusJson::object();
    data["audiobridge"] = "left";
    data["room"] = handle.join->room;
    data["id"] = handle.join->participant_id;
    end_join(seat, handle, EndReason::Logout, "left the room", fx);
    fx.reply(std::move(respond), 200,
             janus_plugin_reply(PluginReplyKind::Event, seat.session, seat.handle, tx,
                                std::move(data)));
  }

  void join_room(Seat seat, Handle& handle, const AudioBridgeJoin& join,
                 std::optional<std::string> offer, std::string_view tx, Time now,
                 JanusResponder& respond, Effects& fx) {
    const auto async = PluginReplyKind::Event;
    if (!offer) {
      refuse_plugin(fx, respond, async, seat, tx,
                    {AudioBridgeError::InvalidSdp,
                     "Missing SDP offer (webvox answers the offer sent with the join)"});
      return;
    }
    const auto found = rooms.find(join.room);
    if (found == rooms.end()) {
      refuse_plugin(fx, respond, async, seat, tx, no_such_room(join.room));
      return;
    }
    Room& room = found->second;
    if (room.pin) {
      if (!join.pin) {
        refuse_plugin(fx, respond, async, seat, tx,
                      {AudioBridgeError::MissingElement, "Missing mandatory element (pin)"});
        return;
      }
      if (!core::secrets_equal(*join.pin, *room.pin)) {
        refuse_plugin(fx, respond, async, seat, tx,
                      {AudioBridgeError::Unauthorized, "Unauthorized (wrong pin)"});
        return;
      }
    }
    if (!join.display) {
      refuse_plugin(fx, respond, async, seat, tx,
                    {AudioBridgeError::MissingElement, "Missing mandatory element (display)"});
      return;
    }
    const auto agent_uuid = core::parse_uuid(*join.display);
    if (!agent_uuid) {
      refuse_plugin(fx, respond, async, seat, tx,
                    {AudioBridgeError::InvalidElement,
                     "Invalid element (display should be the agent's UUID)"});
      return;
    }
    const std::string agent = core::format_uuid(*agent_uuid);

    // [OS] sends the participant id (derived from the agent id); [MB] lets the bridge pick.
    std::optional<Seat> taken_by_same_agent;
    if (join.id) {
      if (const auto seated = room.participants.find(*join.id);
          seated != room.participants.end() && !(seated->second == seat)) {
        const Handle* other = find_handle(seated->second);
        if (other != nullptr && other->join && other->join->agent_id != agent) {
          refuse_plugin(fx, respond, async, seat, tx,
                        {AudioBridgeError::IdExists,
                         "User ID " + std::to_string(*join.id) + " already exists"});
          return;
        }
        taken_by_same_agent = seated->second;
      }
    }
    // A new join on a handle that is in a room replaces what the handle had (Janus would
    // answer 491; [MB] has no recovery from that, and [OS]'s recovery ends the same way).
    if (handle.join) end_join(seat, handle, EndReason::Logout, "replaced by a new join", fx);
    // The same agent again on another handle (a reconnect whose old handle is not gone yet):
    // ViewerVoice replaces the older session, whose Ended then reaches that handle as hangup.
    if (taken_by_same_agent) {
      if (Handle* other = find_handle(*taken_by_same_agent)) {
        end_join(*taken_by_same_agent, *other, EndReason::Superseded,
                 "the agent joined again from another handle", fx);
      }
      room.participants.erase(*join.id);
    }
    std::optional<std::uint64_t> participant_id = join.id;
    if (!participant_id) {
      participant_id = pick_id(kMaxSmallId, [&](std::uint64_t v) {
        return room.participants.contains(v);
      });
      if (!participant_id) {
        refuse_plugin(fx, respond, async, seat, tx,
                      {AudioBridgeError::UnknownError, "No free participant id"});
        return;
      }
    }

    const std::uint64_t generation = next_generation++;
    handle.join = Join{generation, join.room, *participant_id, agent, *join.display, {}, false};
    handle.event_generation = generation;
    room.participants[*participant_id] = seat;
    room.empty_since.reset();
    pending.emplace(generation, PendingJoin{std::move(respond), std::string(tx), seat,
                                            now + config.provision_timeout, {}, false});
    ++stats.joins_started;

    const std::weak_ptr<Core> weak = weak_from_this();
    ProvisionRequest provision{agent, room.key, std::move(*offer), {}};
    provision.on_event = [weak, seat, generation](SessionEvent event) {
      if (const auto core = weak.lock()) core->on_session_event(seat, generation, event);
    };
    auto done = [weak, generation, agent](ProvisionOutcome outcome) {
      if (const auto core = weak.lock()) core->on_provisioned(generation, agent, std::move(outcome));
    };
    fx.voice.push_back([&voice = voice, provision = std::move(provision),
                        done = std::move(done)]() mutable {
      voice.provision(std::move(provision), std::move(done));
    });
  }

  // ---- ViewerVoice callbacks (take the lock themselves) ----------------------------------

  void on_provisioned(std::uint64_t generation, const std::string& agent,
                      ProvisionOutcome outcome) {
    Effects fx;
    {
      std::lock_guard lock(mutex);
      const auto* provisioned = std::get_if<Provisioned>(&outcome);
      const auto waiting = pending.find(generation);
      if (waiting == pending.end()) {
        // Timed out, cancelled or shut down meanwhile: the session nobody will use goes.
        ++stats.stale_voice_callbacks;
        if (provisioned != nullptr) {
          deferred_voice.push_back([&voice = voice, agent, session = provisioned->viewer_session] {
            voice.logout(agent, session);
          });
        }
        return;
      }
      PendingJoin join_request = std::move(waiting->second);
      pending.erase(waiting);
      const Seat seat = join_request.seat;
      Handle* handle = find_handle(seat);
      // end_join removes the pending join with the join, so the join is still there.
      if (handle == nullptr || !handle->join || handle->join->generation != generation) {
        ++stats.joins_failed;
        refuse_plugin(fx, join_request.respond, PluginReplyKind::Event, seat,
                      join_request.transaction,
                      {AudioBridgeError::UnknownError, "Join cancelled"});
        if (provisioned != nullptr) {
          deferred_voice.push_back([&voice = voice, agent, session = provisioned->viewer_session] {
            voice.logout(agent, session);
          });
        }
      } else if (provisioned != nullptr) {
        Join& join = *handle->join;
        join.viewer_session = provisioned->viewer_session;
        ++stats.joins_succeeded;
        JanusJson data = JanusJson::object();
        data["audiobridge"] = "joined";
        data["room"] = join.room;
        data["id"] = join.participant_id;
        const auto room = rooms.find(join.room);
        data["participants"] =
            room == rooms.end() ? JanusJson::array() : participant_list(room->second, seat);
        fx.reply(std::move(join_request.respond), 200,
                 janus_plugin_reply(PluginReplyKind::Event, seat.session, seat.handle,
                                    join_request.transaction, std::move(data),
                                    provisioned->answer_sdp));
        if (!join_request.early_candidates.empty() || join_request.early_completed) {
          stats.candidates_passed += join_request.early_candidates.size();
          deferred_voice.push_back([&voice = voice, session = join.viewer_session,
                                    candidates = std::move(join_request.early_candidates),
                                    completed = join_request.early_completed]() mutable {
            voice.trickle(session, std::move(candidates), completed);
          });
        }
      } else {
        ++stats.joins_failed;
        end_join(seat, *handle, EndReason::Logout, "provision failed", fx);
        refuse_plugin(fx, join_request.respond, PluginReplyKind::Event, seat,
                      join_request.transaction,
                      provision_failure(std::get<ProvisionError>(outcome)));
      }
      defer_voice(fx);
    }
    fx.run();
  }

  void on_session_event(Seat seat, std::uint64_t generation, SessionEvent event) {
    Effects fx;
    {
      std::lock_guard lock(mutex);
      const auto session = sessions.find(seat.session);
      Handle* handle = find_handle(seat);
      if (handle == nullptr || handle->event_generation != generation) {
        ++stats.stale_voice_callbacks;
        return;
      }
      const bool current = handle->join && handle->join->generation == generation;
      if (event == SessionEvent::MediaUp) {
        if (current) handle->join->media_up = true;
        push_event(session->second, janus_webrtcup_event(seat.session, seat.handle), fx);
      } else {
        push_event(session->second, janus_hangup_event(seat.session, seat.handle, kEndedReason),
                   fx);
        if (current) {
          end_join(seat, *handle, EndReason::Ended,
                   "the media session ended before the join completed", fx);
        }
        handle->event_generation = 0;
      }
      defer_voice(fx);
    }
    fx.run();
  }

  // ---- the admin API ---------------------------------------------------------------------

  void handle_admin(const JanusHttpRequest& request, JanusResponder respond, Effects& fx) {
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

  // ---- time ------------------------------------------------------------------------------

  void sweep(Time now, Effects& fx) {
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

  void close(Effects& fx) {
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

  JanusGatewayStats snapshot() const {
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
};

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
