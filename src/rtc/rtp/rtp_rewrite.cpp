#include "rtc/rtp/rtp_rewrite.hpp"

#include "base/big_endian.hpp"
#include "rtc/rtp/rtp_packet.hpp"

namespace webvox::rtc::rtp {

namespace {
bool has_fixed_header(std::span<std::uint8_t> packet) {
  return packet.size() >= kRtpFixedHeaderSize;
}
}  // namespace

bool set_ssrc(std::span<std::uint8_t> packet, std::uint32_t ssrc) {
  if (!has_fixed_header(packet)) return false;
  base::big_endian::write_u32(packet, 8, ssrc);
  return true;
}

bool set_sequence_number(std::span<std::uint8_t> packet, std::uint16_t sequence_number) {
  if (!has_fixed_header(packet)) return false;
  base::big_endian::write_u16(packet, 2, sequence_number);
  return true;
}

bool set_timestamp(std::span<std::uint8_t> packet, std::uint32_t timestamp) {
  if (!has_fixed_header(packet)) return false;
  base::big_endian::write_u32(packet, 4, timestamp);
  return true;
}

bool set_payload_type(std::span<std::uint8_t> packet, std::uint8_t payload_type) {
  if (!has_fixed_header(packet) || payload_type > 0x7f) return false;
  packet[1] = static_cast<std::uint8_t>((packet[1] & 0x80) | payload_type);
  return true;
}

bool set_marker(std::span<std::uint8_t> packet, bool marker) {
  if (!has_fixed_header(packet)) return false;
  packet[1] = static_cast<std::uint8_t>((packet[1] & 0x7f) | (marker ? 0x80 : 0));
  return true;
}

}  // namespace webvox::rtc::rtp
