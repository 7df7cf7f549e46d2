// The viewer voice service as both front doors see it: the JSON-RPC door that stands in for
// the grid voice service behind os-webrtc-janus's WebRtcVoiceServiceConnector, and the Janus
// REST door that stands in for Janus itself (shared/spec/viewer-webrtc.md §6). Both are thin:
// they parse what the simulator sends and call this. Implemented at the edge (the media
// thread owns sessions); every call may return before the work is done, and callbacks may run
// on any thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/expected.hpp"
#include "rtc/sdp/candidate.hpp"
#include "viewer/room_key.hpp"

namespace webvox::viewer {

// What happens to a viewer session after it was provisioned, for the door that made it (the
// Janus door turns these into "webrtcup" and "hangup" events on the session's long poll).
enum class SessionEvent {
  MediaUp,  // ICE and DTLS are up: media flows
  Ended,    // gone for any reason but the door's own logout: ICE/DTLS failure or timeout,
            // replaced by a newer provision of the same agent in the same room, server stop
};

struct ProvisionRequest {
  std::string agent_id;  // lower-case hyphenated UUID; trusted (the simulator vouches for it)
  RoomKey room;
  std::string offer_sdp;                       // as the viewer sent it (munged, spec §5.1)
  std::function<void(SessionEvent)> on_event;  // may be empty
};

struct Provisioned {
  std::string viewer_session;  // opaque id the viewer echoes in trickles and logout
  std::string answer_sdp;
};

enum class ProvisionFailure {
  BadOffer,     // the offer cannot be answered (parse or negotiation), message says why
  Full,         // the room or the server is at its limit
  Unavailable,  // shutting down, or viewer voice is off
};

struct ProvisionError {
  ProvisionFailure failure = ProvisionFailure::BadOffer;
  std::string message;
};

using ProvisionOutcome = base::Expected<Provisioned, ProvisionError>;

class ViewerVoice {
 public:
  virtual ~ViewerVoice() = default;

  // Answers the viewer's offer with a new session. A newer provision of the same agent in the
  // same room replaces the older session (os-webrtc-janus CleanupDuplicateSessions); the older
  // one gets SessionEvent::Ended. `done` is called exactly once.
  virtual void provision(ProvisionRequest request, std::function<void(ProvisionOutcome)> done) = 0;
  // Candidates the viewer trickled (already parsed), and/or that its gathering completed.
  // An ICE-lite server learns the viewer's address from its checks; these are counted and
  // kept for diagnostics only. Unknown sessions are ignored.
  virtual void trickle(const std::string& viewer_session,
                       std::vector<rtc::sdp::Candidate> candidates, bool completed) = 0;
  // Ends one session of this agent (a session of another agent is left alone).
  virtual void logout(const std::string& agent_id, const std::string& viewer_session) = 0;
  // Ends every session of this agent (logout with the zero UUID, [OS]).
  virtual void logout_all(const std::string& agent_id) = 0;
};

}  // namespace webvox::viewer
