#include "rtc/rtp/rtcp_feedback.hpp"

namespace webvox::rtc::rtp {

namespace {

constexpr std::size_t kFeedbackHeaderSize = 12;  // common header + two SSRCs

bool is_feedback_type(std::uint8_t packet_type) {
  return packet_type == rtcp_type::kTransportFeedback || packet_type == rtcp_type::kPayloadFeedback;
}

// Packs the run of `lost` starting at `first` into one entry; returns the index after it.
std::size_t pack_entry(std::span<const std::uint16_t> lost, std::size_t first, NackEntry& entry) {
  entry = NackEntry{lost[first], 0};
  std::size_t next = first + 1;
  for (; next < lost.size(); ++next) {
    const auto distance = static_cast<std::uint16_t>(lost[next] - entry.packet_id);
    if (distance > 16) break;
    if (distance > 0) entry.lost_bitmask |= static_cast<std::uint16_t>(1u << (distance - 1));
  }
  return next;
}

std::size_t nack_entry_count(std::span<const std::uint16_t> lost) {
  std::size_t count = 0;
  NackEntry entry;
  for (std::size_t i = 0; i < lost.size(); i = pack_entry(lost, i, entry)) ++count;
  return count;
}

}  // namespace

base::Expected<Feedback, RtcpError> parse_feedback(const RtcpPacketView& packet) {
  if (!is_feedback_type(packet.packet_type)) return base::unexpected(RtcpError::WrongPacketType);
  if (packet.body.size() < 8) return base::unexpected(RtcpError::BodyTooShort);
  return Feedback{packet.count, base::big_endian::read_u32(packet.body, 0),
                  base::big_endian::read_u32(packet.body, 4), packet.body.subspan(8)};
}

base::Expected<Nack, RtcpError> parse_nack(const RtcpPacketView& packet) {
  const auto feedback = parse_feedback(packet);
  if (!feedback) return base::unexpected(feedback.error());
  if (packet.packet_type != rtcp_type::kTransportFeedback ||
      feedback->format != kFeedbackFormatNack) {
    return base::unexpected(RtcpError::WrongPacketType);
  }
  const auto fci = feedback->control_information;
  if (fci.empty() || fci.size() % 4 != 0) return base::unexpected(RtcpError::BadFeedbackLength);
  return Nack{feedback->sender_ssrc, feedback->media_ssrc, fci};
}

bool is_picture_loss_indication(const RtcpPacketView& packet) {
  return packet.packet_type == rtcp_type::kPayloadFeedback && packet.count == kFeedbackFormatPli &&
         packet.body.size() >= 8;
}

std::size_t nack_size(std::span<const std::uint16_t> lost) {
  return kFeedbackHeaderSize + 4 * nack_entry_count(lost);
}

std::optional<std::size_t> write_nack(std::span<std::uint8_t> out, std::uint32_t sender_ssrc,
                                      std::uint32_t media_ssrc,
                                      std::span<const std::uint16_t> lost) {
  if (lost.empty()) return std::nullopt;
  const std::size_t size = nack_size(lost);
  // The length field counts 32-bit words in 16 bits.
  if (out.size() < size || size > 65536 * 4) return std::nullopt;
  write_rtcp_header(out, kFeedbackFormatNack, rtcp_type::kTransportFeedback, size);
  base::big_endian::write_u32(out, 4, sender_ssrc);
  base::big_endian::write_u32(out, 8, media_ssrc);
  std::size_t at = kFeedbackHeaderSize;
  NackEntry entry;
  for (std::size_t i = 0; i < lost.size(); at += 4) {
    i = pack_entry(lost, i, entry);
    base::big_endian::write_u16(out, at, entry.packet_id);
    base::big_endian::write_u16(out, at + 2, entry.lost_bitmask);
  }
  return size;
}

std::optional<std::size_t> write_pli(std::span<std::uint8_t> out, std::uint32_t sender_ssrc,
                                     std::uint32_t media_ssrc) {
  if (out.size() < kFeedbackHeaderSize) return std::nullopt;
  write_rtcp_header(out, kFeedbackFormatPli, rtcp_type::kPayloadFeedback, kFeedbackHeaderSize);
  base::big_endian::write_u32(out, 4, sender_ssrc);
  base::big_endian::write_u32(out, 8, media_ssrc);
  return kFeedbackHeaderSize;
}

}  // namespace webvox::rtc::rtp
