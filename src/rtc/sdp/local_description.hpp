// The server's side of a negotiation, typed: what description_writer turns into SDP, whether
// as an answer to a browser or as the server's own offer when slots are added.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rtc/sdp/browser_offer.hpp"
#include "rtc/sdp/fingerprint.hpp"
#include "rtc/sdp/media_attributes.hpp"

namespace webvox::rtc::sdp {

inline constexpr std::uint16_t kServerSctpPort = 5000;
inline constexpr std::uint64_t kServerMaxMessageSize = 262144;

struct ServerTransport {
  std::string ice_ufrag;
  std::string ice_pwd;
  Fingerprint fingerprint;  // sha-256 of the server's DTLS certificate
  // Addresses browsers reach the server at (a public IP when behind NAT), one host candidate
  // each; the first also goes into c= as the default candidate.
  std::vector<std::string> advertised_addresses;
  std::uint16_t udp_port = 0;
  std::optional<std::uint16_t> tcp_port;  // RFC 6544 passive candidates when set
};

// What the server sends on one slot: one SSRC with its RTCP CNAME and MediaStream identity.
struct SendStream {
  std::uint32_t ssrc = 0;
  std::string cname;
  std::string stream_id;
  std::string track_id;
  friend bool operator==(const SendStream&, const SendStream&) = default;
};

struct LocalAudioSection {
  std::string mid;
  Direction direction = Direction::RecvOnly;  // as the server sees it
  std::uint8_t opus_payload_type = 111;
  std::optional<std::uint8_t> audio_level_extension_id;
  std::optional<std::uint8_t> mid_extension_id;
  std::optional<SendStream> send_stream;  // required when the server sends
  // The one a=fmtp line of the Opus payload type: what the server asks of what it receives
  // and says of what it sends (RFC 7587 §6.1). Last, so positional initialisers stay valid.
  std::vector<FormatParameter> opus_parameters = {{"minptime", "10"}, {"useinbandfec", "1"}};
};

struct LocalDataChannelSection {
  std::string mid;
  std::uint16_t sctp_port = kServerSctpPort;
  std::uint64_t max_message_size = kServerMaxMessageSize;
};

using LocalSection = std::variant<LocalAudioSection, LocalDataChannelSection, RejectedSection>;

enum class DescriptionType { Offer, Answer };

struct LocalDescription {
  DescriptionType type = DescriptionType::Answer;
  std::uint64_t session_id = 1;
  std::uint64_t session_version = 1;  // must grow with every renegotiation
  ServerTransport transport;
  SetupRole setup = SetupRole::Passive;  // actpass in an offer, active/passive in an answer
  // webvoxd is ICE-lite; the load generator's client side sends checks like a full agent, so
  // its offers must not claim lite (a full peer would then never check towards it).
  bool ice_lite = true;
  std::vector<LocalSection> sections;  // in m= line order; accepted ones share one BUNDLE
};

}  // namespace webvox::rtc::sdp
