#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace webvox::rtc::srtp {

// Where SRTCP's 32-bit E flag || index word sits at the end of a packet: RFC 3711 puts it
// before the authentication tag, RFC 7714 (AES-GCM) after it.
struct SrtcpTrailerLayout {
  std::size_t tag_size;
  bool index_after_tag;
};

// The cryptographic transform of one SRTP protection profile, keyed once with the session keys
// of a master key. It knows what to encrypt and authenticate in a packet whose index is already
// known; the SrtpSession parses headers and keeps indices and replay state. Works in place and
// allocates nothing per packet.
class CipherSuite {
 public:
  virtual ~CipherSuite() = default;

  // Bytes protect_rtp appends (the tag).
  virtual std::size_t rtp_trailer_size() const = 0;
  // Bytes protect_rtcp appends (the tag and the E flag || index word).
  std::size_t rtcp_trailer_size() const { return srtcp_layout().tag_size + 4; }
  virtual SrtcpTrailerLayout srtcp_layout() const = 0;

  // `packet` is the plain RTP packet followed by rtp_trailer_size() bytes of room; the bytes
  // from `header_size` on are encrypted and the tag written into the room.
  virtual void protect_rtp(std::span<std::uint8_t> packet, std::size_t header_size,
                           std::uint32_t ssrc, std::uint64_t index) = 0;
  // `packet` is an SRTP packet, tag included; decrypts it in place if it authenticates.
  virtual bool unprotect_rtp(std::span<std::uint8_t> packet, std::size_t header_size,
                             std::uint32_t ssrc, std::uint64_t index) = 0;
  // `packet` is the plain RTCP compound followed by rtcp_trailer_size() bytes of room; it is
  // encrypted after the first 8 bytes and the E flag, index and tag written into the room.
  virtual void protect_rtcp(std::span<std::uint8_t> packet, std::uint32_t ssrc,
                            std::uint32_t srtcp_index) = 0;
  // `packet` is an SRTCP packet, trailer included, whose E flag and index the session read;
  // decrypts it in place (if `encrypted`) when it authenticates.
  virtual bool unprotect_rtcp(std::span<std::uint8_t> packet, std::uint32_t ssrc,
                              std::uint32_t srtcp_index, bool encrypted) = 0;
};

}  // namespace webvox::rtc::srtp
