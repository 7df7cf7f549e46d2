#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "rtc/sdp/fingerprint.hpp"
#include "rtc/sdp/local_description.hpp"
#include "rtc/sdp/media_attributes.hpp"
#include "sfu/sfu_room.hpp"
#include "sfu/member_rtcp.hpp"

namespace webvox::sfu {

// The RTCP CNAME of every slot stream (a=ssrc cname in the answer, SDES in the reports).
inline constexpr std::string_view kSlotCname = "webvox";

// What the server brings to one member's negotiation.
struct NegotiationSettings {
  // The server's side of the connection: its fresh ICE credentials, addresses, ports and
  // certificate fingerprint.
  rtc::sdp::ServerTransport transport;
  std::size_t slots = 8;  // receive slots per listener, at most
  std::uint64_t session_id = 1;
};

// A fresh random non-zero SSRC for each slot stream (and the reporter when there is none).
using SsrcSource = std::function<std::uint32_t()>;

// What a browser's sfu-offer settled: the answer to send back, and what the service wires.
struct Negotiation {
  std::string answer;  // SDP
  // How the member numbered Opus and the audio level: as its first audio section (the
  // microphone) says.
  MemberFormat format;
  // Its receive slots in offer order: the mid of each recvonly audio section taken (at most
  // `slots`), and the SSRC the answer announced on it.
  std::vector<std::string> slot_mids;
  std::vector<std::uint32_t> slot_ssrcs;
  // The server's RTCP on the connection: the slots' SSRCs, and one to report from.
  MemberRtcpSettings rtcp;
  // The DTLS handshake: the server's role by the offer's a=setup, the member's certificate,
  // and its ICE ufrag; whether it opened a data channel.
  rtc::sdp::SetupRole server_setup = rtc::sdp::SetupRole::Passive;
  rtc::sdp::Fingerprint remote_fingerprint;
  std::string remote_ufrag;
  bool data_channels = false;
};

enum class NegotiationErrorCode {
  BadOffer,  // the offer does not parse, or is not one the server can answer
  Internal,  // the answer could not be written
};

struct NegotiationError {
  NegotiationErrorCode code;
  std::string message;  // for the member: what is wrong with its offer
};

// The wire code of the error (`bad_offer`, `internal`).
std::string_view to_string(NegotiationErrorCode code);

// Answers one member's sfu-offer: parses and validates it, takes its format and up to `slots`
// receive slots, each with a new SSRC from `next_ssrc`, and writes the answer. Forwarded
// packets keep the speaker's header extensions, so the answer does not negotiate the MID
// extension (it would name the speaker's transceiver and misroute them at the listener):
// browsers route slots by SSRC. Pure: no I/O, no clock; randomness only through `next_ssrc`.
base::Expected<Negotiation, NegotiationError> negotiate(std::string_view offer,
                                                        const NegotiationSettings& settings,
                                                        const SsrcSource& next_ssrc);

}  // namespace webvox::sfu
