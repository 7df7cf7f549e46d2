// The Janus REST door (spec §3, checklist §6.3): the subset of the Janus HTTP API and of its
// AudioBridge plugin that os-webrtc-janus uses, so that an operator who runs the addon against
// Janus changes only JanusGatewayURI (and JanusGatewayAdminURI) to point at webvoxd. The media
// part (the viewer's offer, trickled candidates, logout) goes to ViewerVoice.
//
// Pure: no sockets, no clock, no threads of its own. The HTTP adapter hands every request to
// handle() (or handle_admin()) with the time, and calls sweep() about once a second; the
// gateway answers through the responder it is given, exactly once per request, possibly later
// (a join answers when ViewerVoice has provisioned; a long poll answers when an event comes or
// after poll_keepalive). Thread-safe: every public function may be called from any thread, and
// ViewerVoice may call back from any thread. Responders and ViewerVoice are never called with
// the gateway's lock held. ViewerVoice calls that result from a ViewerVoice callback (logging
// out a session whose join was abandoned, passing on candidates that arrived before the
// answer) are made on the next handle()/sweep() call, never from inside the callback.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "viewer/janus_reply.hpp"
#include "viewer/viewer_voice.hpp"

namespace webvox::viewer {

using JanusClock = std::chrono::steady_clock;

// One HTTP request as the adapter received it, below the door's base path.
struct JanusHttpRequest {
  std::string_view method;             // "GET", "POST", …
  std::vector<std::string_view> path;  // segments after the base path (split_janus_path)
  // The query's "apisecret" (GET only: a POST carries it in the body), percent-decoded but
  // with '+' left as it is: os-webrtc-janus appends its APIToken to the URL unencoded, and
  // the same token arrives in POST bodies verbatim.
  std::optional<std::string_view> apisecret;
  std::string_view body;
};

// The answer: always exactly one JSON object, sent as application/json with this status.
// POST answers are 200 even for Janus errors (the addon reads the error from the JSON, as
// with Janus); GET answers use 403 (bad secret) and 404 (no such session) as Janus does, so
// the addon's long-poll loop ends instead of spinning.
struct JanusHttpReply {
  unsigned status = 200;
  std::string body;
};

// Called exactly once per request, from whichever thread completes it (the caller's, or
// ViewerVoice's for a join); must not throw. A long poll's responder may be called after its
// client went away (at most one is parked per session, for at most poll_keepalive).
using JanusResponder = std::function<void(JanusHttpReply)>;

// The non-empty segments of the path below the base path ("/12/34" → {"12","34"}); the query
// must already be cut off.
std::vector<std::string_view> split_janus_path(std::string_view path);

struct JanusGatewayConfig {
  // Compared in constant time on every request. Empty: every request is refused (403), so a
  // missing secret never leaves the door open.
  std::string api_secret;
  std::string admin_secret;
  JanusServerInfo info;  // what GET /info reports (version, server name)

  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_sdp_bytes = 64 * 1024;
  std::size_t max_text_bytes = 1024;  // room descriptions, displays, pins, secrets
  std::size_t max_sessions = 10'000;
  std::size_t max_handles_per_session = 4;
  std::size_t max_rooms = 10'000;
  std::size_t max_events_per_session = 64;  // beyond: the oldest are dropped and counted
  std::size_t max_candidates_per_trickle = 64;
  std::size_t max_early_candidates = 32;  // trickled before the join was answered

  std::chrono::seconds session_timeout{60};       // no request and no long poll for this long
  std::chrono::seconds poll_keepalive{30};        // a parked long poll is answered "keepalive"
  std::chrono::seconds provision_timeout{20};     // the addon's POST times out at 30 s
  std::chrono::seconds empty_room_lifetime{600};  // an empty room is forgotten after this
};

struct JanusGatewayStats {
  // Now.
  std::size_t sessions = 0;
  std::size_t handles = 0;
  std::size_t rooms = 0;
  std::size_t participants = 0;
  std::size_t parked_polls = 0;
  std::size_t pending_joins = 0;
  std::size_t queued_events = 0;
  // Since start.
  std::uint64_t requests = 0;
  std::uint64_t requests_unauthorized = 0;
  std::uint64_t requests_malformed = 0;  // not JSON, not an object, no transaction/janus
  std::uint64_t requests_refused = 0;    // any other Janus or AudioBridge error reply
  std::uint64_t sessions_created = 0;
  std::uint64_t sessions_destroyed = 0;
  std::uint64_t sessions_timed_out = 0;
  std::uint64_t sessions_refused_full = 0;
  std::uint64_t handles_refused_full = 0;
  std::uint64_t rooms_refused_full = 0;
  std::uint64_t events_dropped_queue_full = 0;
  std::uint64_t polls_answered_with_event = 0;
  std::uint64_t polls_keepalive = 0;
  std::uint64_t polls_superseded = 0;  // a second GET on the session took the poll's place
  std::uint64_t joins_started = 0;
  std::uint64_t joins_succeeded = 0;
  std::uint64_t joins_failed = 0;
  std::uint64_t joins_timed_out = 0;
  std::uint64_t joins_cancelled = 0;  // left, detached, destroyed or replaced before answered
  std::uint64_t candidates_passed = 0;
  std::uint64_t candidates_rejected = 0;       // not parseable
  std::uint64_t candidates_over_limit = 0;     // beyond max_candidates_per_trickle
  std::uint64_t candidates_without_join = 0;   // the handle has no viewer session to give them to
  std::uint64_t candidates_early_dropped = 0;  // beyond max_early_candidates
  std::uint64_t stale_voice_callbacks = 0;     // for a join that is gone or replaced
};

class JanusGateway {
 public:
  // Session, handle, room and participant ids come from here (uniform 64-bit values; only
  // some bits are used). Default: the operating system's CSPRNG.
  using RandomSource = std::function<std::uint64_t()>;

  // `voice` must outlive the gateway.
  JanusGateway(ViewerVoice& voice, JanusGatewayConfig config, RandomSource random = {});
  // close()s.
  ~JanusGateway();
  JanusGateway(const JanusGateway&) = delete;
  JanusGateway& operator=(const JanusGateway&) = delete;

  // The Janus API at JanusGatewayURI:
  //   POST /           create (also info, ping)
  //   POST /S          attach, destroy (a handle_id in the body is ignored), keepalive
  //   POST /S/H        message (AudioBridge), trickle, detach
  //   GET  /S[/H]      long poll (?apisecret=): one event, or parked until one comes
  //   GET  /info       server info
  // Ids in the body are used where the path has none, as Janus does.
  void handle(const JanusHttpRequest& request, JanusClock::time_point now, JanusResponder respond);
  // The admin API at JanusGatewayAdminURI: POST / list_sessions (also info, ping),
  // "admin_secret" in the body.
  void handle_admin(const JanusHttpRequest& request, JanusClock::time_point now,
                    JanusResponder respond);
  // Answers long polls parked for poll_keepalive, destroys sessions idle for session_timeout
  // (logging out their viewer sessions), fails joins ViewerVoice has not answered within
  // provision_timeout, forgets rooms empty for empty_room_lifetime, and makes the ViewerVoice
  // calls queued by callbacks.
  void sweep(JanusClock::time_point now);
  // Answers every parked poll and pending join, logs out every viewer session and refuses
  // further requests. Idempotent.
  void close();

  JanusGatewayStats stats() const;

 private:
  struct Core;
  std::shared_ptr<Core> core_;
};

}  // namespace webvox::viewer
