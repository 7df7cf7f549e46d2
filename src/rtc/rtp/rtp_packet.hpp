#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/expected.hpp"

namespace webvox::rtc::rtp {

enum class RtpError {
  TooShortForFixedHeader,
  UnsupportedVersion,
  TooShortForCsrcs,
  TooShortForExtensionHeader,
  TooShortForExtensionData,
  PaddingCountZero,
  PaddingLongerThanPayload,
};

std::string_view to_string(RtpError error);

inline constexpr std::size_t kRtpFixedHeaderSize = 12;

// The header extension block (RFC 3550 §5.3.1) as it is on the wire: "defined by profile"
// and the data after the length word. RFC 8285 gives the profile its meaning.
struct RawHeaderExtension {
  std::uint16_t profile = 0;
  std::span<const std::uint8_t> data;
};

// A parsed RTP packet (RFC 3550 §5.1). Non-owning: every span points into the parsed buffer,
// which must outlive the view.
struct RtpPacketView {
  bool padding = false;
  bool marker = false;
  std::uint8_t csrc_count = 0;
  std::uint8_t payload_type = 0;
  std::uint16_t sequence_number = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::span<const std::uint8_t> csrc_bytes;
  std::optional<RawHeaderExtension> header_extension;
  // Payload without the padding.
  std::span<const std::uint8_t> payload;
  std::size_t header_size = 0;
  std::size_t padding_size = 0;

  std::uint32_t csrc(std::size_t index) const;  // index < csrc_count
};

base::Expected<RtpPacketView, RtpError> parse_rtp_packet(std::span<const std::uint8_t> packet);

}  // namespace webvox::rtc::rtp
