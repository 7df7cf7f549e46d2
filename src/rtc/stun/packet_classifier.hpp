// RFC 7983 demultiplexing: STUN, DTLS and SRTP/SRTCP share one UDP port (and one ICE-TCP
// stream), told apart by the first byte. Cheap enough to run on every datagram.
#pragma once

#include <cstdint>
#include <span>

namespace webvox::rtc::stun {

enum class PacketKind { Stun, Dtls, Rtp, Unknown };

// Stun needs the whole 20-byte header with the magic cookie, not only the first byte: an
// RFC 5389 client's first byte is 0-3, and so are many stray datagrams.
// Rtp covers RTCP too (the payload type tells them apart, that is the RTP layer's job).
PacketKind classify_packet(std::span<const std::uint8_t> datagram);

}  // namespace webvox::rtc::stun
