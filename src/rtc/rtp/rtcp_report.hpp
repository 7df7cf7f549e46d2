#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtc/rtp/rtcp_packet.hpp"
#include "base/expected.hpp"

// Sender and receiver reports (RFC 3550 §6.4).
namespace webvox::rtc::rtp {

struct ReportBlock {
  std::uint32_t ssrc = 0;
  std::uint8_t fraction_lost = 0;    // lost share since the last report, in 1/256
  std::int32_t cumulative_lost = 0;  // 24-bit signed on the wire: duplicates can make it < 0
  std::uint32_t extended_highest_sequence_number = 0;
  std::uint32_t jitter = 0;              // in timestamp units
  std::uint32_t last_sender_report = 0;  // middle 32 bits of the last SR's NTP time; 0 if none
  std::uint32_t delay_since_last_sender_report = 0;  // in 1/65536 s

  friend bool operator==(const ReportBlock&, const ReportBlock&) = default;
};

inline constexpr std::size_t kReportBlockSize = 24;
inline constexpr std::size_t kMaxReportBlocks = 31;
inline constexpr std::int32_t kMaxCumulativeLost = 0x7fffff;
inline constexpr std::int32_t kMinCumulativeLost = -0x800000;

// The report blocks of a parsed SR or RR, decoded on access (no allocation).
class ReportBlocks {
 public:
  ReportBlocks() = default;
  explicit ReportBlocks(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::size_t size() const { return bytes_.size() / kReportBlockSize; }
  ReportBlock operator[](std::size_t index) const;

 private:
  std::span<const std::uint8_t> bytes_;
};

struct SenderInfo {
  std::uint32_t ntp_seconds = 0;
  std::uint32_t ntp_fraction = 0;
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;

  // What a receiver echoes as LSR.
  std::uint32_t compact_ntp() const { return (ntp_seconds << 16) | (ntp_fraction >> 16); }

  friend bool operator==(const SenderInfo&, const SenderInfo&) = default;
};

struct SenderReport {
  std::uint32_t sender_ssrc = 0;
  SenderInfo sender_info;
  ReportBlocks report_blocks;
};

struct ReceiverReport {
  std::uint32_t sender_ssrc = 0;
  ReportBlocks report_blocks;
};

base::Expected<SenderReport, RtcpError> parse_sender_report(const RtcpPacketView& packet);
base::Expected<ReceiverReport, RtcpError> parse_receiver_report(const RtcpPacketView& packet);

inline constexpr std::size_t receiver_report_size(std::size_t blocks) {
  return 8 + blocks * kReportBlockSize;
}
inline constexpr std::size_t sender_report_size(std::size_t blocks) {
  return 28 + blocks * kReportBlockSize;
}

// Each writes one sub-packet at the start of `out` and returns its size; nothing if `out` is
// too small or there are more than 31 blocks. Cumulative loss is clamped to 24 bits.
std::optional<std::size_t> write_receiver_report(std::span<std::uint8_t> out,
                                                 std::uint32_t sender_ssrc,
                                                 std::span<const ReportBlock> blocks);
std::optional<std::size_t> write_sender_report(std::span<std::uint8_t> out,
                                               std::uint32_t sender_ssrc, const SenderInfo& info,
                                               std::span<const ReportBlock> blocks);

}  // namespace webvox::rtc::rtp
