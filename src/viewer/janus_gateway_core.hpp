// Internal to the Janus door: the gateway's state, shared by janus_gateway.cpp (the Janus
// core: sessions, handles, long polls, the admin API, time) and janus_audiobridge.cpp (the
// AudioBridge plugin: rooms and joins, and ViewerVoice's answers to them). Nothing outside
// those two files includes this.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "viewer/janus_api_error.hpp"
#include "viewer/janus_audiobridge_request.hpp"
#include "viewer/janus_gateway.hpp"
#include "viewer/janus_json.hpp"
#include "viewer/janus_reply.hpp"
#include "viewer/janus_request.hpp"
#include "viewer/room_key.hpp"

namespace webvox::viewer {
namespace janus_internal {

using Time = JanusClock::time_point;

// Janus hands out ids a JavaScript (or OSD/C#) client holds exactly: at most 2^53 - 1.
inline constexpr std::uint64_t kMaxSessionId = (std::uint64_t{1} << 53) - 1;
// Participant and room numbers this door picks fit a positive C# int: [MB] reads the
// participant id with (int) and os-webrtc-janus's room numbers are positive ints.
inline constexpr std::uint64_t kMaxSmallId = 0x7fffffff;

// Request text echoed in an error reason, cut to a few dozen bytes.
std::string shown(std::string_view text);

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

}  // namespace janus_internal

struct JanusGateway::Core : std::enable_shared_from_this<JanusGateway::Core> {
  using Time = janus_internal::Time;
  using Join = janus_internal::Join;
  using Handle = janus_internal::Handle;
  using ParkedPoll = janus_internal::ParkedPoll;
  using Session = janus_internal::Session;
  using Seat = janus_internal::Seat;
  using Room = janus_internal::Room;
  using PendingJoin = janus_internal::PendingJoin;
  using Effects = janus_internal::Effects;
  using EndReason = janus_internal::EndReason;

  Core(ViewerVoice& voice_service, JanusGatewayConfig gateway_config, RandomSource random_source);

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

  void take_deferred(Effects& fx);
  void defer_voice(Effects& fx);

  bool secret_ok(const std::string& expected,
                 const std::optional<std::string_view>& provided) const;

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
              std::string_view reason);
  void refuse(Effects& fx, JanusResponder& respond, std::uint64_t session_id,
              std::optional<std::string_view> transaction, const JanusFailure& failure);
  void refuse_plugin(Effects& fx, JanusResponder& respond, PluginReplyKind kind, Seat seat,
                     std::optional<std::string_view> transaction,
                     const AudioBridgeFailure& failure);

  // Refusals that happen before a request is read.
  void refuse_closed(Effects& fx, JanusResponder& respond);
  void refuse_method(Effects& fx, JanusResponder& respond, std::string_view method);
  void refuse_path(Effects& fx, JanusResponder& respond);
  // The body's envelope, or nothing when it is malformed (then answered with Janus's error,
  // carrying the path's session id if there is one, else the body's).
  std::optional<JanusEnvelope> read_envelope(std::string_view body, std::uint64_t path_session,
                                             JanusResponder& respond, Effects& fx);

  Handle* find_handle(Seat seat) {
    const auto session = sessions.find(seat.session);
    if (session == sessions.end()) return nullptr;
    const auto handle = session->second.handles.find(seat.handle);
    return handle == session->second.handles.end() ? nullptr : &handle->second;
  }

  void push_event(Session& session, std::string text, Effects& fx);

  // Takes the handle out of its room and ends its viewer session as `reason` says.
  void end_join(Seat seat, Handle& handle, EndReason reason, std::string_view why, Effects& fx);

  void end_session(std::uint64_t session_id, Session& session, std::string_view why, Effects& fx);

  JanusJson participant_list(const Room& room, std::optional<Seat> except);

  // ---- the Janus API ---------------------------------------------------------------------

  void handle(const JanusHttpRequest& request, Time now, JanusResponder respond, Effects& fx);

  void handle_get(const JanusHttpRequest& request, Time now, JanusResponder& respond, Effects& fx);

  JanusServerInfo server_info() const;

  void handle_post(const JanusHttpRequest& request, Time now, JanusResponder& respond, Effects& fx);

  void create_session(std::string_view tx, Time now, JanusResponder& respond, Effects& fx);

  void attach(std::uint64_t session_id, Session& session, const JanusEnvelope& envelope,
              JanusResponder& respond, Effects& fx);

  void trickle(Seat seat, Handle& handle, const JanusEnvelope& envelope, JanusResponder& respond,
               Effects& fx);

  // ---- AudioBridge -----------------------------------------------------------------------

  void message(Seat seat, Handle& handle, const JanusEnvelope& envelope, Time now,
               JanusResponder& respond, Effects& fx);

  static AudioBridgeFailure no_such_room(std::uint64_t room);

  void create_room(Seat seat, const AudioBridgeCreate& create, std::string_view tx, Time now,
                   JanusResponder& respond, Effects& fx);

  void destroy_room(Seat seat, const AudioBridgeDestroy& destroy, std::string_view tx,
                    JanusResponder& respond, Effects& fx);

  void list_rooms(Seat seat, std::string_view tx, JanusResponder& respond, Effects& fx);

  void leave_room(Seat seat, Handle& handle, std::string_view tx, JanusResponder& respond,
                  Effects& fx);

  void join_room(Seat seat, Handle& handle, const AudioBridgeJoin& join,
                 std::optional<std::string> offer, std::string_view tx, Time now,
                 JanusResponder& respond, Effects& fx);

  // ---- ViewerVoice callbacks (take the lock themselves) ----------------------------------

  void on_provisioned(std::uint64_t generation, const std::string& agent, ProvisionOutcome outcome);

  void on_session_event(Seat seat, std::uint64_t generation, SessionEvent event);

  // ---- the admin API ---------------------------------------------------------------------

  void handle_admin(const JanusHttpRequest& request, JanusResponder respond, Effects& fx);

  // ---- time ------------------------------------------------------------------------------

  void sweep(Time now, Effects& fx);

  void close(Effects& fx);

  JanusGatewayStats snapshot() const;
};

}  // namespace webvox::viewer
