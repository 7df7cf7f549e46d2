#include "rtc/rtp/rtcp_report.hpp"

#include <algorithm>

#include "base/big_endian.hpp"

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
  base::big_endian::write_u32(out, 0, block.ssrc);
  out[4] = block.fraction_lost;
  base::big_endian::write_u24(out, 5, static_cast<std::uint32_t>(lost) & 0xffffff);
  base::big_endian::write_u32(out, 8, block.extended_highest_sequence_number);
  base::big_endian::write_u32(out, 12, block.jitter);
  base::big_endian::write_u32(out, 16, block.last_sender_report);
  base::big_endian::write_u32(out, 20, block.delay_since_last_sender_report);
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
  block.ssrc = base::big_endian::read_u32(b, 0);
  block.fraction_lost = b[4];
  block.cumulative_lost = sign_extend_24(base::big_endian::read_u24(b, 5));
  block.extended_highest_sequence_number = base::big_endian::read_u32(b, 8);
  block.jitter = base::big_endian::read_u32(b, 12);
  block.last_sender_report = base::big_endian::read_u32(b, 16);
  block.delay_since_last_sender_report = base::big_endian::read_u32(b, 20);
  return block;
}

base::Expected<SenderReport, RtcpError> parse_sender_report(const RtcpPacketView& packet) {
  if (packet.packet_type != rtcp_type::kSenderReport)
    return base::unexpected(RtcpError::WrongPacketType);
  const std::size_t blocks_size = std::size_t{packet.count} * kReportBlockSize;
  // Anything after the blocks is a profile-specific extension, which is ignored.
  if (packet.body.size() < 4 + kSenderInfoSize + blocks_size)
    return base::unexpected(RtcpError::BodyTooShort);
  const auto body = packet.body;
  SenderReport report;
  report.sender_ssrc = base::big_endian::read_u32(body, 0);
  report.sender_info.ntp_seconds = base::big_endian::read_u32(body, 4);
  report.sender_info.ntp_fraction = base::big_endian::read_u32(body, 8);
  report.sender_info.rtp_timestamp = base::big_endian::read_u32(body, 12);
  report.sender_info.packet_count = base::big_endian::read_u32(body, 16);
  report.sender_info.octet_count = base::big_endian::read_u32(body, 20);
  report.report_blocks = ReportBlocks(body.subspan(4 + kSenderInfoSize, blocks_size));
  return report;
}

base::Expected<ReceiverReport, RtcpError> parse_receiver_report(const RtcpPacketView& packet) {
  if (packet.packet_type != rtcp_type::kReceiverReport)
    return base::unexpected(RtcpError::WrongPacketType);
  const std::size_t blocks_size = std::size_t{packet.count} * kReportBlockSize;
  if (packet.body.size() < 4 + blocks_size) return base::unexpected(RtcpError::BodyTooShort);
  ReceiverReport report;
  report.sender_ssrc = base::big_endian::read_u32(packet.body, 0);
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
  base::big_endian::write_u32(out, 4, sender_ssrc);
  write_report_blocks(out.subspan(8), blocks);
  return size;
}

std::optional<std::size_t> write_sender_report(std::span<std::uint8_t> out,
                                               std::uint32_t sender_ssrc, const SenderInfo& info,
                                               std::span<const ReportBlock> blocks) {
  const std::size_t size = sender_report_size(blocks.size());
  if (blocks.size() > kMaxReportBlocks || out.size() < size) return std::nullopt;
  write_rtcp_header(out, static_cast<std::uint8_t>(blocks.size()), rtcp_type::kSenderReport, size);
  base::big_endian::write_u32(out, 4, sender_ssrc);
  base::big_endian::write_u32(out, 8, info.ntp_seconds);
  base::big_endian::write_u32(out, 12, info.ntp_fraction);
  base::big_endian::write_u32(out, 16, info.rtp_timestamp);
  base::big_endian::write_u32(out, 20, info.packet_count);
  base::big_endian::write_u32(out, 24, info.octet_count);
  write_report_blocks(out.subspan(28), blocks);
  return size;
}

}  // namespace webvox::rtc::rtp
