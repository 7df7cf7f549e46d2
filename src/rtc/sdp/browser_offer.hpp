// What the SFU takes from a browser's offer, once validate_offer has accepted it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rtc/sdp/fingerprint.hpp"
#include "rtc/sdp/media_attributes.hpp"

namespace webvox::rtc::sdp {

inline constexpr std::string_view kAudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
inline constexpr std::string_view kMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr std::string_view kTransportCcUri =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

struct IceCredentials {
  std::string ufrag;
  std::string pwd;
  friend bool operator==(const IceCredentials&, const IceCredentials&) = default;
};

struct OfferedAudio {
  std::string mid;
  Direction direction = Direction::SendRecv;  // as the browser sees it
  std::uint8_t opus_payload_type = 111;
  std::vector<FormatParameter> opus_parameters;
  std::optional<std::uint8_t> audio_level_extension_id;
  std::optional<std::uint8_t> transport_cc_extension_id;
  std::optional<std::uint8_t> mid_extension_id;
  std::vector<std::uint32_t> send_ssrcs;  // what the browser will send from, in offer order
  std::optional<Msid> msid;
};

struct OfferedDataChannel {
  std::string mid;
  std::uint16_t sctp_port = 5000;
  std::optional<std::uint64_t> max_message_size;
};

// A section the answer must reject with port 0 (video, a stopped transceiver, a second data
// channel…); kept so the answer has one m-section per offered one, in order (RFC 8829 §5.3.1).
struct RejectedSection {
  std::string media;
  std::string proto;
  std::vector<std::string> formats;
  std::optional<std::string> mid;
};

using OfferedSection = std::variant<OfferedAudio, OfferedDataChannel, RejectedSection>;

struct BrowserOffer {
  IceCredentials ice;
  Fingerprint fingerprint;  // the browser's sha-256 certificate fingerprint
  SetupRole offered_setup = SetupRole::ActPass;
  SetupRole server_setup = SetupRole::Passive;
  std::vector<std::string> bundle_mids;  // accepted sections, in m= line order
  std::vector<OfferedSection> sections;  // one per m= line of the offer, in order
};

}  // namespace webvox::rtc::sdp
