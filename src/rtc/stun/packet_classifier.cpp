#include "rtc/stun/packet_classifier.hpp"

#include "base/big_endian.hpp"
#include "rtc/stun/stun_constants.hpp"

namespace webvox::rtc::stun {

PacketKind classify_packet(std::span<const std::uint8_t> datagram) {
  if (datagram.empty()) return PacketKind::Unknown;
  const std::uint8_t first = datagram[0];
  if (first <= 3) {
    const bool has_cookie =
        datagram.size() >= kHeaderSize && base::big_endian::read_u32(datagram, 4) == kMagicCookie;
    return has_cookie ? PacketKind::Stun : PacketKind::Unknown;
  }
  if (first >= 20 && first <= 63) return PacketKind::Dtls;
  if (first >= 128 && first <= 191) return PacketKind::Rtp;
  return PacketKind::Unknown;  // ZRTP (16-19), TURN channels (64-79) and the unassigned rest
}

}  // namespace webvox::rtc::stun
