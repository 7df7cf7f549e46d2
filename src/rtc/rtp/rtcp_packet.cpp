#include "rtc/rtp/rtcp_packet.hpp"

#include "base/big_endian.hpp"

namespace webvox::rtc::rtp {

std::string_view to_string(RtcpError error) {
  switch (error) {
    case RtcpError::TooShortForHeader:
      return "shorter than the 4-byte RTCP header";
    case RtcpError::UnsupportedVersion:
      return "RTCP version is not 2";
    case RtcpError::LengthPastEnd:
      return "length runs past the end of the compound packet";
    case RtcpError::PaddingCountZero:
      return "padding flag set with a padding count of 0";
    case RtcpError::PaddingLongerThanBody:
      return "padding longer than the packet body";
    case RtcpError::WrongPacketType:
      return "not the packet type asked for";
    case RtcpError::BodyTooShort:
      return "body shorter than its count or type requires";
    case RtcpError::SdesItemPastEnd:
      return "SDES item or chunk runs past the end";
    case RtcpError::ByeReasonPastEnd:
      return "BYE reason runs past the end";
    case RtcpError::BadFeedbackLength:
      return "feedback control information of a bad length";
  }
  return "unknown RTCP error";
}

bool is_rtcp(std::span<const std::uint8_t> packet) {
  return packet.size() >= kRtcpHeaderSize && (packet[0] >> 6) == 2 && packet[1] >= 192 &&
         packet[1] <= 223;
}

std::optional<RtcpPacketView> RtcpCompoundReader::fail(RtcpError error) {
  error_ = error;
  offset_ = compound_.size();
  return std::nullopt;
}

std::optional<RtcpPacketView> RtcpCompoundReader::next() {
  if (offset_ >= compound_.size()) return std::nullopt;
  const auto rest = compound_.subspan(offset_);
  if (rest.size() < kRtcpHeaderSize) return fail(RtcpError::TooShortForHeader);
  if ((rest[0] >> 6) != 2) return fail(RtcpError::UnsupportedVersion);
  const std::size_t size = (std::size_t{base::big_endian::read_u16(rest, 2)} + 1) * 4;
  if (size > rest.size()) return fail(RtcpError::LengthPastEnd);

  RtcpPacketView view;
  view.padding = (rest[0] & 0x20) != 0;
  view.count = rest[0] & 0x1f;
  view.packet_type = rest[1];
  view.bytes = rest.first(size);
  std::size_t body_size = size - kRtcpHeaderSize;
  if (view.padding) {
    const std::size_t padding = view.bytes.back();
    if (padding == 0) return fail(RtcpError::PaddingCountZero);
    if (padding > body_size) return fail(RtcpError::PaddingLongerThanBody);
    body_size -= padding;
  }
  view.body = view.bytes.subspan(kRtcpHeaderSize, body_size);
  offset_ += size;
  return view;
}

void write_rtcp_header(std::span<std::uint8_t> out, std::uint8_t count, std::uint8_t packet_type,
                       std::size_t size) {
  out[0] = static_cast<std::uint8_t>(0x80 | (count & 0x1f));
  out[1] = packet_type;
  base::big_endian::write_u16(out, 2, static_cast<std::uint16_t>(size / 4 - 1));
}

}  // namespace webvox::rtc::rtp
