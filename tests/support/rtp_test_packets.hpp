#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "rtc/rtp/rtp_header_writer.hpp"

// Whole RTP packets for tests and benchmarks, written by the server's own header writer (which
// tests/rtc/rtp checks byte for byte against the RFC and a browser's packet). For the layers
// that may use rtc/rtp; the SRTP and DTLS tests, below it, keep their own bytes.
namespace webvox::test {

// The header the fields give, then `payload_size` bytes of `fill`.
inline std::vector<std::uint8_t> rtp_packet(const rtc::rtp::RtpHeaderFields& fields,
                                            std::size_t payload_size, std::uint8_t fill = 0x55) {
  std::vector<std::uint8_t> packet(rtc::rtp::kRtpFixedHeaderSize + payload_size, fill);
  rtc::rtp::write_rtp_header(packet, fields);
  return packet;
}

// As a browser sends voice: the RFC 6464 audio level (voice activity set) under
// `extension_id`, then the payload.
inline std::vector<std::uint8_t> voice_packet(const rtc::rtp::RtpHeaderFields& fields,
                                              std::uint8_t level_minus_dbov,
                                              std::size_t payload_size, std::uint8_t fill = 0x55,
                                              std::uint8_t extension_id = 1) {
  std::vector<std::uint8_t> packet(
      rtc::rtp::kRtpFixedHeaderSize + rtc::rtp::kAudioLevelBlockSize + payload_size, fill);
  rtc::rtp::write_rtp_header(packet, fields,
                             rtc::rtp::AudioLevelElement{extension_id, {true, level_minus_dbov}});
  return packet;
}

}  // namespace webvox::test
