#include "rtc/rtp/rtcp_packet.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "rtc/rtp/rtcp_bye.hpp"
#include "rtc/rtp/rtcp_report.hpp"
#include "rtc/rtp/rtcp_sdes.hpp"
#include "sample_packets.hpp"

namespace webvox::rtc::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<RtcpPacketView> packets_of(std::span<const std::uint8_t> compound,
                                       std::optional<RtcpError>* error = nullptr) {
  RtcpCompoundReader reader(compound);
  std::vector<RtcpPacketView> packets;
  while (const auto packet = reader.next()) packets.push_back(*packet);
  if (error) *error = reader.error();
  return packets;
}

TEST(Rtcp, DemultiplexesRtcpFromRtp) {
  EXPECT_TRUE(is_rtcp(samples::kChromeSenderReportAndSdes));
  EXPECT_TRUE(is_rtcp(samples::kNack));
  EXPECT_FALSE(is_rtcp(samples::kChromeOpus));
  EXPECT_FALSE(is_rtcp(std::span(samples::kNack).first(3)));
}

TEST(Rtcp, ParsesChromeSenderReportAndSdes) {
  std::optional<RtcpError> error;
  const auto packets = packets_of(samples::kChromeSenderReportAndSdes, &error);
  EXPECT_FALSE(error.has_value());
  ASSERT_EQ(packets.size(), 2u);

  const auto sr = parse_sender_report(packets[0]);
  ASSERT_TRUE(sr.has_value()) << to_string(sr.error());
  EXPECT_EQ(sr->sender_ssrc, 0x5a3c1f09u);
  EXPECT_EQ(sr->sender_info.ntp_seconds, 0xe93f6d30u);
  EXPECT_EQ(sr->sender_info.ntp_fraction, 0x4b5a1c00u);
  EXPECT_EQ(sr->sender_info.rtp_timestamp, 123456u);
  EXPECT_EQ(sr->sender_info.packet_count, 500u);
  EXPECT_EQ(sr->sender_info.octet_count, 40000u);
  EXPECT_EQ(sr->sender_info.compact_ntp(), 0x6d304b5au);
  EXPECT_EQ(sr->report_blocks.size(), 0u);

  SdesReader sdes(packets[1]);
  const auto chunk = sdes.next();
  ASSERT_TRUE(chunk.has_value());
  EXPECT_EQ(chunk->ssrc, 0x5a3c1f09u);
  EXPECT_EQ(chunk->cname, "abcdEFGHijklMNOP");
  EXPECT_FALSE(sdes.next().has_value());
  EXPECT_FALSE(sdes.error().has_value());
}

TEST(Rtcp, EveryTruncationOfACompoundIsRejectedOrEndsAtAPacketBoundary) {
  const auto& compound = samples::kChromeSenderReportAndSdes;
  for (std::size_t size = 0; size < compound.size(); ++size) {
    std::optional<RtcpError> error;
    const auto packets = packets_of(std::span(compound).first(size), &error);
    if (size == 0 || size == 28) {
      EXPECT_FALSE(error.has_value()) << size;
      EXPECT_EQ(packets.size(), size / 28);
    } else {
      EXPECT_TRUE(error.has_value()) << "prefix of " << size << " bytes";
    }
  }
}

TEST(Rtcp, RejectsMalformedHeaders) {
  std::optional<RtcpError> error;
  Bytes packet(samples::kReceiverReport.begin(), samples::kReceiverReport.end());
  packet[0] = 0x41;
  EXPECT_TRUE(packets_of(packet, &error).empty());
  EXPECT_EQ(error, RtcpError::UnsupportedVersion);
  packet[0] = 0x81;
  packet[3] = 0x08;  // one word more than there is
  EXPECT_TRUE(packets_of(packet, &error).empty());
  EXPECT_EQ(error, RtcpError::LengthPastEnd);
  packet[3] = 0x07;
  packet[0] = 0xa1;  // padding flag: the last byte (0x00) is the count
  packets_of(packet, &error);
  EXPECT_EQ(error, RtcpError::PaddingCountZero);
  packet.back() = 29;
  packets_of(packet, &error);
  EXPECT_EQ(error, RtcpError::PaddingLongerThanBody);
}

TEST(Rtcp, PaddingIsRemovedFromTheBody) {
  const Bytes packet = {0xa0, 0xc9, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 4};  // RR + 4 padding
  std::optional<RtcpError> error;
  const auto packets = packets_of(packet, &error);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].body.size(), 4u);
  EXPECT_TRUE(parse_receiver_report(packets[0]).has_value());
}

TEST(Rtcp, ParsesReceiverReportBlock) {
  const auto packets = packets_of(samples::kReceiverReport);
  ASSERT_EQ(packets.size(), 1u);
  const auto rr = parse_receiver_report(packets[0]);
  ASSERT_TRUE(rr.has_value());
  EXPECT_EQ(rr->sender_ssrc, 1u);
  ASSERT_EQ(rr->report_blocks.size(), 1u);
  const ReportBlock block = rr->report_blocks[0];
  EXPECT_EQ(block.ssrc, 0x5a3c1f09u);
  EXPECT_EQ(block.fraction_lost, 5);
  EXPECT_EQ(block.cumulative_lost, -2);
  EXPECT_EQ(block.extended_highest_sequence_number, 0x11a2bu);
  EXPECT_EQ(block.jitter, 42u);
  EXPECT_EQ(block.last_sender_report, 0x6d304b5au);
  EXPECT_EQ(block.delay_since_last_sender_report, 0x18000u);
  EXPECT_EQ(parse_sender_report(packets[0]).error(), RtcpError::WrongPacketType);
}

TEST(Rtcp, ReportCountBeyondTheBodyIsRejected) {
  Bytes packet(samples::kReceiverReport.begin(), samples::kReceiverReport.end());
  packet[0] = 0x82;  // says 2 blocks, has 1
  const auto packets = packets_of(packet);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(parse_receiver_report(packets[0]).error(), RtcpError::BodyTooShort);
}

TEST(Rtcp, WritesReceiverReportThatParsesBack) {
  const std::array<ReportBlock, 2> blocks = {
      ReportBlock{0x11, 12, 345, 0x2ffff, 77, 0xabcd1234, 0x10000},
      ReportBlock{0x22, 255, -7, 9, 0, 0, 0}};
  std::array<std::uint8_t, 64> buffer{};
  const auto size = write_receiver_report(buffer, 0xfeed, blocks);
  ASSERT_EQ(size, receiver_report_size(2));
  const auto packets = packets_of(std::span(buffer).first(*size));
  ASSERT_EQ(packets.size(), 1u);
  const auto rr = parse_receiver_report(packets[0]);
  ASSERT_TRUE(rr.has_value());
  EXPECT_EQ(rr->sender_ssrc, 0xfeedu);
  ASSERT_EQ(rr->report_blocks.size(), 2u);
  EXPECT_EQ(rr->report_blocks[0], blocks[0]);
  EXPECT_EQ(rr->report_blocks[1], blocks[1]);
  EXPECT_TRUE(std::equal(buffer.begin(), buffer.begin() + 32, samples::kReceiverReport.begin()) ==
              false);  // sanity: not the sample
  EXPECT_FALSE(write_receiver_report(std::span(buffer).first(55), 1, blocks).has_value());
}

TEST(Rtcp, WritesTheSampleReceiverReportByteForByte) {
  const ReportBlock block{0x5a3c1f09, 5, -2, 0x11a2b, 42, 0x6d304b5a, 0x18000};
  std::array<std::uint8_t, 32> buffer{};
  ASSERT_EQ(write_receiver_report(buffer, 1, std::span(&block, 1)), 32u);
  EXPECT_EQ(buffer, samples::kReceiverReport);
}

TEST(Rtcp, ClampsCumulativeLossTo24Bits) {
  const ReportBlock block{1, 0, 0x7fffffff, 0, 0, 0, 0};
  std::array<std::uint8_t, 32> buffer{};
  ASSERT_TRUE(write_receiver_report(buffer, 1, std::span(&block, 1)).has_value());
  const auto rr = parse_receiver_report(*RtcpCompoundReader(buffer).next());
  EXPECT_EQ(rr->report_blocks[0].cumulative_lost, kMaxCumulativeLost);
}

TEST(Rtcp, WritesSenderReportAndSdesThatMatchChrome) {
  std::array<std::uint8_t, 56> buffer{};
  const SenderInfo info{0xe93f6d30, 0x4b5a1c00, 123456, 500, 40000};
  const auto sr_size = write_sender_report(buffer, 0x5a3c1f09, info, {});
  ASSERT_EQ(sr_size, 28u);
  const auto sdes_size =
      write_sdes_cname(std::span(buffer).subspan(28), 0x5a3c1f09, "abcdEFGHijklMNOP");
  ASSERT_EQ(sdes_size, 28u);
  EXPECT_EQ(buffer, samples::kChromeSenderReportAndSdes);
}

TEST(Rtcp, SenderReportWithBlocksRoundTrips) {
  const ReportBlock block{0x33, 1, 2, 3, 4, 5, 6};
  const SenderInfo info{1, 2, 3, 4, 5};
  std::array<std::uint8_t, 52> buffer{};
  ASSERT_EQ(write_sender_report(buffer, 9, info, std::span(&block, 1)), 52u);
  const auto sr = parse_sender_report(*RtcpCompoundReader(buffer).next());
  ASSERT_TRUE(sr.has_value());
  EXPECT_EQ(sr->sender_info, info);
  ASSERT_EQ(sr->report_blocks.size(), 1u);
  EXPECT_EQ(sr->report_blocks[0], block);
  EXPECT_FALSE(write_sender_report(std::span(buffer).first(51), 9, info, std::span(&block, 1)));
}

TEST(Rtcp, SdesTruncatedItemIsAnError) {
  Bytes packet(samples::kChromeSenderReportAndSdes.begin() + 28,
               samples::kChromeSenderReportAndSdes.end());
  packet[9] = 0x30;  // CNAME says 48 bytes
  const auto view = RtcpCompoundReader(packet).next();
  ASSERT_TRUE(view.has_value());
  SdesReader sdes(*view);
  EXPECT_FALSE(sdes.next().has_value());
  EXPECT_EQ(sdes.error(), RtcpError::SdesItemPastEnd);
}

TEST(Rtcp, SdesSkipsOtherItemsAndReadsSeveralChunks) {
  const Bytes packet = {0x82, 0xca, 0x00, 0x06,  // 2 chunks
                        0,    0,    0,    1,    0x06, 0x02, 'h',  'i',
                        0x01, 0x01, 'x',  0x00,                          // TOOL, CNAME
                        0,    0,    0,    2,    0x00, 0x00, 0x00, 0x00,  // no items
                        0,    0,    0,    0};                            // (slack)
  const auto view = RtcpCompoundReader(packet).next();
  ASSERT_TRUE(view.has_value());
  SdesReader sdes(*view);
  const auto first = sdes.next();
  const auto second = sdes.next();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->cname, "x");
  EXPECT_EQ(second->ssrc, 2u);
  EXPECT_FALSE(second->cname.has_value());
  EXPECT_FALSE(sdes.next().has_value());
  EXPECT_FALSE(sdes.error().has_value());
}

TEST(Rtcp, ParsesByeWithReason) {
  const Bytes packet = {0x81, 0xcb, 0x00, 0x03, 0x5a, 0x3c, 0x1f, 0x09,
                        0x05, 'g',  'o',  'n',  'e',  '!',  0x00, 0x00};
  const auto view = RtcpCompoundReader(packet).next();
  const auto bye = parse_bye(*view);
  ASSERT_TRUE(bye.has_value());
  ASSERT_EQ(bye->ssrc_count(), 1u);
  EXPECT_EQ(bye->ssrc(0), 0x5a3c1f09u);
  EXPECT_EQ(bye->reason, "gone!");
  Bytes bad = packet;
  bad[8] = 0x09;
  EXPECT_EQ(parse_bye(*RtcpCompoundReader(bad).next()).error(), RtcpError::ByeReasonPastEnd);
}

}  // namespace
}  // namespace webvox::rtc::rtp
