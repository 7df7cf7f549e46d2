// A parsed SDP session description (RFC 8866) with the attributes WebRTC uses typed, and every
// other attribute kept as written, so nothing in an offer is lost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtc/sdp/candidate.hpp"
#include "rtc/sdp/fingerprint.hpp"
#include "rtc/sdp/media_attributes.hpp"

namespace webvox::rtc::sdp {

struct Origin {  // o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>
  std::string username;
  std::uint64_t session_id = 0;
  std::uint64_t session_version = 0;
  std::string net_type;
  std::string address_type;
  std::string address;
  friend bool operator==(const Origin&, const Origin&) = default;
};

struct Connection {  // c=<nettype> <addrtype> <address>
  std::string net_type;
  std::string address_type;
  std::string address;
  friend bool operator==(const Connection&, const Connection&) = default;
};

struct Timing {  // t=<start> <stop>
  std::uint64_t start = 0;
  std::uint64_t stop = 0;
  friend bool operator==(const Timing&, const Timing&) = default;
};

struct RawAttribute {  // an attribute this parser does not type: a=<name>[:<value>]
  std::string name;
  std::string value;
  bool has_value = false;
  friend bool operator==(const RawAttribute&, const RawAttribute&) = default;
};

// Attributes that may appear at session level and media level alike; at media level they
// override the session's (RFC 8839 §5.4, RFC 8122 §5, RFC 4145).
struct TransportAttributes {
  std::optional<std::string> ice_ufrag;
  std::optional<std::string> ice_pwd;
  std::vector<std::string> ice_options;
  std::vector<Fingerprint> fingerprints;
  std::optional<SetupRole> setup;
  std::optional<Direction> direction;
  std::vector<Extmap> extmaps;
  bool extmap_allow_mixed = false;
};

struct MediaDescription {
  std::string media;       // "audio", "video", "application", …
  std::uint16_t port = 0;  // 0 rejects (or, in a bundle, bundle-only) the section
  std::optional<std::uint32_t> port_count;
  std::string proto;                 // "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP", …
  std::vector<std::string> formats;  // payload types, or "webrtc-datachannel"
  std::optional<Connection> connection;

  std::optional<std::string> mid;
  TransportAttributes transport;
  std::vector<Rtpmap> rtpmaps;
  std::vector<Fmtp> fmtps;
  std::vector<RtcpFeedback> rtcp_feedback;
  std::vector<Msid> msids;
  std::vector<SsrcAttribute> ssrcs;
  std::vector<SsrcGroup> ssrc_groups;
  bool rtcp_mux = false;
  bool rtcp_rsize = false;
  bool bundle_only = false;
  std::optional<std::uint16_t> sctp_port;
  std::optional<std::uint64_t> max_message_size;
  std::vector<Candidate> candidates;
  bool end_of_candidates = false;
  std::vector<RawAttribute> other_attributes;
};

struct SessionDescription {
  std::uint32_t version = 0;
  Origin origin;
  std::string session_name;
  std::optional<Connection> connection;
  std::vector<Timing> timings;

  TransportAttributes transport;
  bool ice_lite = false;
  std::vector<Group> groups;
  std::vector<RawAttribute> other_attributes;

  std::vector<MediaDescription> media;
};

}  // namespace webvox::rtc::sdp
