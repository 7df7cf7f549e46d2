#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "rtc/rtp/rtcp_packet.hpp"
#include "base/expected.hpp"

// Goodbye (RFC 3550 §6.6): the listed sources are leaving.
namespace webvox::rtc::rtp {

struct Bye {
  std::span<const std::uint8_t> ssrc_bytes;
  std::string_view reason;

  std::size_t ssrc_count() const { return ssrc_bytes.size() / 4; }
  std::uint32_t ssrc(std::size_t index) const;  // index < ssrc_count()
};

base::Expected<Bye, RtcpError> parse_bye(const RtcpPacketView& packet);

}  // namespace webvox::rtc::rtp
