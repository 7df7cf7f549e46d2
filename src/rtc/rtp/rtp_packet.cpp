#include "rtc/rtp/rtp_packet.hpp"

#include "base/big_endian.hpp"

namespace webvox::rtc::rtp {

std::string_view to_string(RtpError error) {
  switch (error) {
    case RtpError::TooShortForFixedHeader:
      return "shorter than the 12-byte fixed header";
    case RtpError::UnsupportedVersion:
      return "RTP version is not 2";
    case RtpError::TooShortForCsrcs:
      return "CSRC list runs past the end";
    case RtpError::TooShortForExtensionHeader:
      return "header extension word runs past the end";
    case RtpError::TooShortForExtensionData:
      return "header extension data runs past the end";
    case RtpError::PaddingCountZero:
      return "padding flag set with a padding count of 0";
    case RtpError::PaddingLongerThanPayload:
      return "padding longer than the payload";
  }
  return "unknown RTP error";
}

std::uint32_t RtpPacketView::csrc(std::size_t index) const {
  return base::big_endian::read_u32(csrc_bytes, index * 4);
}

base::Expected<RtpPacketView, RtpError> parse_rtp_packet(std::span<const std::uint8_t> packet) {
  if (packet.size() < kRtpFixedHeaderSize)
    return base::unexpected(RtpError::TooShortForFixedHeader);
  if ((packet[0] >> 6) != 2) return base::unexpected(RtpError::UnsupportedVersion);

  RtpPacketView view;
  view.padding = (packet[0] & 0x20) != 0;
  const bool has_extension = (packet[0] & 0x10) != 0;
  view.csrc_count = packet[0] & 0x0f;
  view.marker = (packet[1] & 0x80) != 0;
  view.payload_type = packet[1] & 0x7f;
  view.sequence_number = base::big_endian::read_u16(packet, 2);
  view.timestamp = base::big_endian::read_u32(packet, 4);
  view.ssrc = base::big_endian::read_u32(packet, 8);

  std::size_t offset = kRtpFixedHeaderSize;
  const std::size_t csrc_size = std::size_t{view.csrc_count} * 4;
  if (packet.size() - offset < csrc_size) return base::unexpected(RtpError::TooShortForCsrcs);
  view.csrc_bytes = packet.subspan(offset, csrc_size);
  offset += csrc_size;

  if (has_extension) {
    if (packet.size() - offset < 4) return base::unexpected(RtpError::TooShortForExtensionHeader);
    const std::uint16_t profile = base::big_endian::read_u16(packet, offset);
    const std::size_t data_size = std::size_t{base::big_endian::read_u16(packet, offset + 2)} * 4;
    offset += 4;
    if (packet.size() - offset < data_size)
      return base::unexpected(RtpError::TooShortForExtensionData);
    view.header_extension = RawHeaderExtension{profile, packet.subspan(offset, data_size)};
    offset += data_size;
  }
  view.header_size = offset;

  std::size_t payload_size = packet.size() - offset;
  if (view.padding) {
    // The count includes itself, so it is at least 1 and may not reach into the header.
    if (payload_size == 0) return base::unexpected(RtpError::PaddingLongerThanPayload);
    const std::size_t padding = packet.back();
    if (padding == 0) return base::unexpected(RtpError::PaddingCountZero);
    if (padding > payload_size) return base::unexpected(RtpError::PaddingLongerThanPayload);
    view.padding_size = padding;
    payload_size -= padding;
  }
  view.payload = packet.subspan(offset, payload_size);
  return view;
}

}  // namespace webvox::rtc::rtp
