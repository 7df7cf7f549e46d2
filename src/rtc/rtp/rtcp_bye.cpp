#include "rtc/rtp/rtcp_bye.hpp"

#include "base/big_endian.hpp"

namespace webvox::rtc::rtp {

std::uint32_t Bye::ssrc(std::size_t index) const {
  return base::big_endian::read_u32(ssrc_bytes, index * 4);
}

base::Expected<Bye, RtcpError> parse_bye(const RtcpPacketView& packet) {
  if (packet.packet_type != rtcp_type::kBye) return base::unexpected(RtcpError::WrongPacketType);
  const std::size_t ssrcs_size = std::size_t{packet.count} * 4;
  if (packet.body.size() < ssrcs_size) return base::unexpected(RtcpError::BodyTooShort);
  Bye bye;
  bye.ssrc_bytes = packet.body.first(ssrcs_size);
  const auto rest = packet.body.subspan(ssrcs_size);
  if (!rest.empty()) {
    const std::size_t length = rest[0];
    if (rest.size() - 1 < length) return base::unexpected(RtcpError::ByeReasonPastEnd);
    bye.reason = std::string_view(reinterpret_cast<const char*>(rest.data() + 1), length);
  }
  return bye;
}

}  // namespace webvox::rtc::rtp
