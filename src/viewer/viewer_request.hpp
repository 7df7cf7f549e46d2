// The maps a viewer posts to its region's ProvisionVoiceAccountRequest and
// VoiceSignalingRequest caps (shared/spec/viewer-webrtc.md §2.3, §2.4). The simulator turns
// the LLSD into JSON and hands it on (the JSON-RPC door gets it as params.request); the Janus
// door never sees these maps. Parsing never throws; every field has a bound.
//
// Provision: a connection request
//   {"jsep":{"type":"offer","sdp":…},"channel_type":"local","parcel_local_id":12,
//    "voice_server_type":"webrtc"}
//   {"jsep":{…},"channel_type":"multiagent","channel":"<uri>","credentials":"…",
//    "gridhash":"<uuid>"}             (the simulator adds gridhash for non-local requests)
// or a logout {"logout":true,"viewer_session":"<id>"} (the zero UUID: all of the agent's).
// Signalling: {"viewer_session":"<id>","candidates":[{"sdpMid":"0","sdpMLineIndex":0,
//   "candidate":"1 1 udp 2122260223 192.0.2.7 60001 typ host"}…]} or
//   {"viewer_session":"<id>","candidate":{"completed":true}}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/expected.hpp"
#include "base/uuid.hpp"
#include "rtc/sdp/candidate.hpp"
#include "viewer/room_key.hpp"

namespace webvox::viewer {

struct ViewerRequestLimits {
  static constexpr std::size_t kMaxSdpBytes = 64 * 1024;
  static constexpr std::size_t kMaxCandidates = 50;  // per signalling request
  static constexpr std::size_t kMaxCandidateBytes = 1024;
  static constexpr std::size_t kMaxSdpMidBytes = 32;
  static constexpr std::size_t kMaxChannelBytes = 256;
  static constexpr std::size_t kMaxCredentialsBytes = 1024;
  static constexpr std::size_t kMaxViewerSessionBytes = 128;
};

enum class ChannelType { Local, Multiagent };

struct ConnectRequest {
  ChannelType channel_type = ChannelType::Local;
  std::string offer_sdp;  // as sent (munged, spec §5.1); at most kMaxSdpBytes
  // Local: the parcel's voice; none (or -999) is the estate (region) room.
  std::optional<std::int32_t> parcel_local_id;
  // Multiagent: the viewer's "channel", else "channel_id" (what the addon reads).
  std::string channel;
  std::string credentials;
  std::string gridhash;  // lower-case UUID, or empty
};

struct LogoutRequest {
  std::string viewer_session;
  // The zero UUID: every session of the agent ([OS] WebRtcVoiceRegionModule).
  bool all_sessions() const;
};

enum class RequestMapError {
  NotAnObject,
  NotWebRtc,         // voice_server_type is a string other than "webrtc"
  BadViewerSession,  // not a short printable string (or missing on a logout)
  MissingOffer,      // no jsep
  BadOffer,          // jsep not {"type":"offer","sdp":<non-empty string>}
  OfferTooLarge,     // sdp over kMaxSdpBytes
  MissingChannelType,
  BadChannelType,  // neither "local" nor "multiagent"
  BadParcel,       // parcel_local_id not an int32
  MissingChannel,  // multiagent without a channel (or channel_id)
  BadChannel,      // not a string, too long, or with control characters
  BadCredentials,
  BadGridHash,        // not a UUID
  BadCandidates,      // candidates not an array, candidate neither {completed} nor a candidate
  TooManyCandidates,  // over kMaxCandidates
};

std::string_view to_string(RequestMapError error);

// What a provision map asks for: a new connection or the end of one (or of all).
using ConnectOrLogout = std::variant<ConnectRequest, LogoutRequest>;
using ProvisionRequestMap = base::Expected<ConnectOrLogout, RequestMapError>;

ProvisionRequestMap parse_provision_request(const nlohmann::json& request);

struct TrickledCandidate {
  std::optional<std::string> sdp_mid;
  std::optional<std::uint16_t> sdp_mline_index;
  rtc::sdp::Candidate candidate;
};

struct SignallingRequest {
  std::string viewer_session;  // empty: the viewer had no provision reply yet
  std::vector<TrickledCandidate> candidates;
  bool completed = false;  // {"completed":true}: the viewer's gathering is done
  // Candidates left out: not an object, a field of the wrong shape, over kMaxCandidateBytes,
  // or a string rtc::sdp::parse_candidate refuses.
  std::uint32_t skipped_candidates = 0;
};

using SignallingRequestMap = base::Expected<SignallingRequest, RequestMapError>;

SignallingRequestMap parse_signalling_request(const nlohmann::json& request);

// Room keys (room_key.hpp), the same text whichever door names the room.
// "<region>/local/<parcel or -999>"; region_id set; a parcel of -999 is the estate room.
RoomKey local_room_key(const base::Uuid& region, std::optional<std::int32_t> parcel_local_id);
// "<gridhash or empty>/multiagent/<channel>"; not spatial.
RoomKey multiagent_room_key(std::string_view gridhash, std::string_view channel);
// The room a connection request asks for; `scene` is the region the simulator vouches for.
RoomKey room_key_of(const ConnectRequest& request, const base::Uuid& scene);

}  // namespace webvox::viewer
