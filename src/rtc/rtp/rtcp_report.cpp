#include "rtc/rtp/rtcp_report.hpp"

#include <algorithm>

#include "rtc/rtp/byte_order.hpp"

namespace webvox::rtc::rtp {

namespace {

constexpr std::size_t kSenderInfoSize = 20;

std::int32_t sign_extend_24(std::uint32_t value) {
  return (value & 0x800000) != 0 ? static_cast<std::int32_t>(value) - 0x1000000
                                 : static_cast<std::int32_t>(value);
}

void write_report_block(std::span<std::uint8_t> out, const ReportBlock& block) {
  const std::int32_t lost =
      std::clamp(block.cumulative_lost, kMinCumulativeLost, kMaxCumulativeLost);
  bytes::write_u32(out, 0, block.ssrc);
  out[4] = block.fraction_lost;
  bytes::write_u24(out, 5, static_cast<std::uint32_t>(lost) & 0xffffff);
  bytes::write_u32(out, 8, block.extended_highest_sequence_number);
  bytes::write_u32(out, 12, block.jitter);
  bytes::write_u32(out, 16, block.last_sender_report);
  bytes::write_u32(out, 20, block.delay_since_last_sender_report);
}

void write_report_blocks(std::span<std::uint8_t> out, std::span<const ReportBlock> blocks) {
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    write_report_block(out.subspan(i * kReportBlockSize, kReportBlockSize), blocks[i]);
  }
}

}  // namespace

ReportBlock ReportBlocks::operator[](std::size_t index) const {
  const auto b = bytes_.subspan(index * kReportBlockSize, kReportBlockSize);
  ReportBlock block;
  block.ssrc = bytes::read_u32(b, 0);
  block.fraction_lost = b[4];
  block.cumulative_lost = sign_extend_24(bytes::read_u24(b, 5));
  block.extended_highest_sequence_number = bytes::read_u32(b, 8);
  block.jitter = bytes::read_u32(b, 12);
  block.last_sender_report = bytes::read_u32(b, 16);
  block.delay_since_last_sender_report = bytes::read_u32(b, 20);
  return block;
}

Result<SenderReport, RtcpError> parse_sender_report(const RtcpPacketView& packet) {
  if (packet.packet_type != rtcp_type::kSenderReport) return RtcpError::WrongPacketType;
  const std::size_t blocks_size = std::size_t{packet.count} * kReportBlockSize;
  // Anything after the blocks is a profile-specific extension, which is ignored.
  if (packet.body.size() < 4 + kSenderInfoSize + blocks_size) return RtcpError::BodyTooShort;
  const auto body = packet.body;
  SenderReport report;
  report.sender_ssrc = bytes::read_u32(body, 0);
  report.sender_info.ntp_seconds = bytes::read_u32(body, 4);
  report.sender_info.ntp_fraction = bytes::read_u32(body, 8);
  report.sender_info.rtp_timestamp = bytes::read_u32(body, 12);
  report.sender_info.packet_count = bytes::read_u32(body, 16);
  report.sender_info.octet_count = bytes::read_u32(body, 20);
  report.report_blocks = ReportBlocks(body.subspan(4 + kSenderInfoSize, blocks_size));
  return report;
}

Result<ReceiverReport, RtcpError> parse_receiver_report(const RtcpPacketView& packet) {
  if (packet.packet_type != rtcp_type::kReceiverReport) return RtcpError::WrongPacketType;
  const std::size_t blocks_size = std::size_t{packet.count} * kReportBlockSize;
  if (packet.body.size() < 4 + blocks_size) return RtcpError::BodyTooShort;
  ReceiverReport report;
  report.sender_ssrc = bytes::read_u32(packet.body, 0);
  report.report_blocks = ReportBlocks(packet.body.subspan(4, blocks_size));
  return report;
}

std::optional<std::size_t> write_receiver_report(std::span<std::uint8_t> out,
                                                 std::uint32_t sender_ssrc,
                                                 std::span<const ReportBlock> blocks) {
  const std::size_t size = receiver_report_size(blocks.size());
  if (blocks.size() > kMaxReportBlocks || out.size() < size) return std::nullopt;
  write_rtcp_header(out, static_cast<std::uint8_t>(blocks.size()), rtcp_type::kReceiverReport,
                    size);
  bytes::write_u32(out, 4, sender_ssrc);
  write_report_blocks(out.subspan(8), blocks);
  return size;
}

std::optional<std::size_t> write_sender_report(std::span<std::uint8_t> out,
                                               std::uint32_t sender_ssrc, const SenderInfo& info,
                                               std::span<const ReportBlock> blocks) {
  const std::size_t size = sender_report_size(blocks.size());
  if (blocks.size() > kMaxReportBlocks || out.size() < size) return std::nullopt;
  write_rtcp_header(out, static_cast<std::uint8_t>(blocks.size()), rtcp_type::kSenderReport,
                    size);
  bytes::write_u32(out, 4, sender_ssrc);
  bytes::write_u32(out, 8, info.ntp_seconds);
  bytes::write_u32(out, 12, info.ntp_fraction);
  bytes::write_u32(out, 16, info.rtp_timestamp);
  bytes::write_u32(out, 20, info.packet_count);
  bytes::write_u32(out, 24, info.octet_count);
  write_report_blocks(out.subspan(28), blocks);
  return size;
}

}  // namespace webvox::rtc::rtp
