#include "rtc/rtp/rtcp_report_compound.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "rtc/rtp/rtcp_packet.hpp"
#include "rtc/rtp/rtcp_sdes.hpp"
#include "sample_packets.hpp"

namespace webvox::rtc::rtp {
namespace {

TEST(RtcpReportCompound, SenderReportThenCnameAsChromeWritesThem) {
  std::array<std::uint8_t, 56> buffer{};
  const SenderInfo info{0xe93f6d30, 0x4b5a1c00, 123456, 500, 40000};
  ASSERT_EQ(write_report_compound(buffer, 0x5a3c1f09, info, {}, "abcdEFGHijklMNOP"), 56u);
  EXPECT_EQ(buffer, samples::kChromeSenderReportAndSdes);
}

TEST(RtcpReportCompound, ReceiverReportThenCnameByteForByte) {
  // RFC 3550 §6.4.2 and §6.5 laid out by hand: RR with one report block, SDES with one chunk.
  const std::vector<std::uint8_t> expected = {
      0x81, 0xc9, 0x00, 0x07,                      // V=2 RC=1, RR, 8 words
      0x11, 0x22, 0x33, 0x44,                      // reporter SSRC
      0x01, 0x02, 0x03, 0x04,                      // source SSRC
      0x40, 0x00, 0x00, 0x03,                      // fraction lost 64/256, cumulative 3
      0x00, 0x01, 0x00, 0x10,                      // extended highest sequence number: 1 cycle, 16
      0x00, 0x00, 0x00, 0x20,                      // jitter 32
      0xaa, 0xbb, 0xcc, 0xdd,                      // LSR
      0x00, 0x01, 0x80, 0x00,                      // DLSR 1.5 s
      0x81, 0xca, 0x00, 0x04,                      // V=2 SC=1, SDES, 5 words
      0x11, 0x22, 0x33, 0x44,                      // SSRC
      0x01, 0x06, 'w',  'e',  'b', 'v', 'o', 'x',  // CNAME, 6 bytes
      0x00, 0x00, 0x00, 0x00,                      // end of items, padded to the word
  };
  const ReportBlock block{0x01020304, 0x40, 3, 0x00010010, 0x20, 0xaabbccdd, 0x00018000};
  std::vector<std::uint8_t> buffer(64, 0xee);
  const auto size =
      write_report_compound(buffer, 0x11223344, std::nullopt, std::span(&block, 1), "webvox");
  ASSERT_EQ(size, expected.size());
  buffer.resize(*size);
  EXPECT_EQ(buffer, expected);
}

TEST(RtcpReportCompound, ParsesBackAsAReportAndASourceDescription) {
  const ReportBlock block{7, 0, 0, 100, 1, 0, 0};
  std::vector<std::uint8_t> buffer(200);
  const auto size =
      write_report_compound(buffer, 9, SenderInfo{1, 2, 3, 4, 5}, std::span(&block, 1), "cname-x");
  ASSERT_TRUE(size);
  RtcpCompoundReader reader{std::span(buffer).first(*size)};
  const auto sr = reader.next();
  ASSERT_TRUE(sr);
  EXPECT_EQ(sr->packet_type, rtcp_type::kSenderReport);
  EXPECT_EQ(parse_sender_report(*sr)->report_blocks[0], block);
  const auto sdes = reader.next();
  ASSERT_TRUE(sdes);
  SdesReader chunks(*sdes);
  const auto chunk = chunks.next();
  ASSERT_TRUE(chunk);
  EXPECT_EQ(chunk->ssrc, 9u);
  EXPECT_EQ(chunk->cname, "cname-x");
  EXPECT_FALSE(reader.next());
  EXPECT_FALSE(reader.error());
}

TEST(RtcpReportCompound, RefusesWhatDoesNotFit) {
  std::vector<std::uint8_t> small(20);
  EXPECT_FALSE(write_report_compound(small, 1, std::nullopt, {}, "webvox"));  // RR fits, SDES not
  std::vector<std::uint8_t> big(1024);
  EXPECT_FALSE(write_report_compound(big, 1, std::nullopt, {}, std::string(256, 'c')));
  EXPECT_TRUE(write_report_compound(big, 1, std::nullopt, {}, std::string(255, 'c')));
}

}  // namespace
}  // namespace webvox::rtc::rtp
