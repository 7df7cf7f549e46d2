#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "base/big_endian.hpp"
#include "rtc/rtp/rtcp_packet.hpp"
#include "base/expected.hpp"

// RTP/AVPF feedback messages (RFC 4585 §6): the common part of RTPFB and PSFB, generic NACK
// (the forwarder retransmits or passes them upstream) and PLI. Other formats (REMB, transport-cc)
// parse as generic feedback and are left to whoever knows them.
namespace webvox::rtc::rtp {

inline constexpr std::uint8_t kFeedbackFormatNack = 1;               // in RTPFB
inline constexpr std::uint8_t kFeedbackFormatPli = 1;                // in PSFB
inline constexpr std::uint8_t kFeedbackFormatApplicationLayer = 15;  // in PSFB (REMB)

struct Feedback {
  std::uint8_t format = 0;
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  std::span<const std::uint8_t> control_information;
};

base::Expected<Feedback, RtcpError> parse_feedback(const RtcpPacketView& packet);

struct NackEntry {
  std::uint16_t packet_id = 0;
  // Bit i: packet_id + i + 1 is lost too.
  std::uint16_t lost_bitmask = 0;
};

struct Nack {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  std::span<const std::uint8_t> entry_bytes;

  std::size_t entry_count() const { return entry_bytes.size() / 4; }
  NackEntry entry(std::size_t index) const {
    return {base::big_endian::read_u16(entry_bytes, index * 4),
            base::big_endian::read_u16(entry_bytes, index * 4 + 2)};
  }

  // Calls f(sequence_number) for every packet reported lost, in wire order.
  template <typename F>
  void for_each_lost(F&& f) const {
    for (std::size_t i = 0; i < entry_count(); ++i) {
      const NackEntry e = entry(i);
      f(e.packet_id);
      for (unsigned bit = 0; bit < 16; ++bit) {
        if ((e.lost_bitmask >> bit) & 1u) f(static_cast<std::uint16_t>(e.packet_id + bit + 1));
      }
    }
  }
};

base::Expected<Nack, RtcpError> parse_nack(const RtcpPacketView& packet);

bool is_picture_loss_indication(const RtcpPacketView& packet);

// Generic NACK for `lost` (ascending in RTP order, wrap allowed): each entry covers its first
// sequence number and the 16 after it. Returns the size, or nothing if `out` is too small or
// `lost` is empty.
std::optional<std::size_t> write_nack(std::span<std::uint8_t> out, std::uint32_t sender_ssrc,
                                      std::uint32_t media_ssrc,
                                      std::span<const std::uint16_t> lost);
// How many bytes write_nack needs for `lost`.
std::size_t nack_size(std::span<const std::uint16_t> lost);

std::optional<std::size_t> write_pli(std::span<std::uint8_t> out, std::uint32_t sender_ssrc,
                                     std::uint32_t media_ssrc);

}  // namespace webvox::rtc::rtp
