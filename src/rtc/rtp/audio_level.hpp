#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "rtc/rtp/rtp_packet.hpp"

// RFC 6464 client-to-mixer audio level (urn:ietf:params:rtp-hdrext:ssrc-audio-level): what the
// forwarder ranks speakers by, without decoding their audio.
namespace webvox::rtc::rtp {

struct AudioLevel {
  // The sender's voice activity detection says this packet has speech (the "V" bit; only
  // meaningful if vad=on was negotiated, which browsers do).
  bool voice_activity = false;
  // 0 (loudest, 0 dBov) to 127 (-127 dBov, silence).
  std::uint8_t level_minus_dbov = 127;

  friend bool operator==(const AudioLevel&, const AudioLevel&) = default;
};

// From the element's data (one byte; longer padded forms allowed).
std::optional<AudioLevel> parse_audio_level(std::span<const std::uint8_t> element_data);

// From the element with the id the sender negotiated for ssrc-audio-level.
std::optional<AudioLevel> read_audio_level(const RtpPacketView& packet, std::uint8_t id);

}  // namespace webvox::rtc::rtp
