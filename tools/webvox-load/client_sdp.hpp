// The load generator's side of the SDP exchange, written with the project's own SDP writer and
// read with its parser, as a browser would: an offer with one sendonly microphone and `slots`
// recvonly sections (webvoxd's sfu-offer, Janus's publish), an answer that receives every
// audio section of a server's offer (Janus's subscriptions), and what the client needs from
// the other side's description (ICE credentials, DTLS fingerprint and role, where to send).
// Pure: text in, text out.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "rtc/sdp/fingerprint.hpp"
#include "rtc/sdp/media_attributes.hpp"
#include "rtc/stun/ice_lite_session.hpp"
#include "rtc/stun/transport_address.hpp"

namespace webvox::load {

struct ClientTransport {
  rtc::stun::IceCredentials ice;
  rtc::sdp::Fingerprint fingerprint;  // of our DTLS certificate
  std::string address;                // our host candidate: the UDP socket's address
  std::uint16_t port = 0;
  std::uint64_t session_id = 1;
};

struct ClientOfferSettings {
  ClientTransport transport;
  bool send = true;  // a sendonly microphone section first
  std::uint32_t send_ssrc = 0;
  std::size_t receive_slots = 8;  // recvonly sections after it
  std::uint8_t audio_level_extension_id = 1;
};

// Throws std::runtime_error if the writer refuses the description (a bug here, not input).
std::string write_client_offer(const ClientOfferSettings& settings);

// An SL viewer's offer (shared/spec/viewer-webrtc.md §5.1 and its corrections): one sendrecv
// Opus audio section (`ssrc`, the RFC 6464 audio level), then the SLData data channel
// (m=application … webrtc-datachannel), BUNDLEd, actpass; no candidates (the viewer trickles
// them), and llwebrtc's munging: the Opus rtpmap rewritten to opus/48000/2 ending in a bare
// "\n", a second a=fmtp for the Opus payload type after a lone "\r". `candidates`: what the
// viewer then trickles, in its form (no "candidate:" prefix), all for sdpMid "0".
struct ViewerOffer {
  std::string sdp;
  std::vector<std::string> candidates;
};
ViewerOffer write_viewer_offer(const ClientTransport& transport, std::uint32_t ssrc,
                               std::uint8_t audio_level_extension_id);

// llwebrtc's munging of a CreateOffer result (llwebrtc.cpp OnSuccess), on any SDP text.
std::string munge_like_the_viewer(const std::string& sdp);

// Receives every audio section of `offer` (keeping its mids, Opus payload type and audio-level
// id), rejects anything else; DTLS client (setup active). Throws on an offer it cannot read.
std::string write_receive_answer(const std::string& offer, const ClientTransport& transport);

struct RemoteEndpoint {
  rtc::stun::IceCredentials ice;
  std::string fingerprint;  // "AB:CD:…", as DtlsTransport compares it
  rtc::sdp::SetupRole setup = rtc::sdp::SetupRole::ActPass;  // the other side's a=setup
  rtc::stun::TransportAddress address;                       // its first UDP IPv4 host candidate
  bool data_channel = false;  // an m=application section it accepted (port ≠ 0)
};

// The other side's transport from its offer or answer, or why it cannot be used.
std::variant<RemoteEndpoint, std::string> read_remote_description(const std::string& sdp);

}  // namespace webvox::load
