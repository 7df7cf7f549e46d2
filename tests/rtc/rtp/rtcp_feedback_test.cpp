#include "rtc/rtp/rtcp_feedback.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "sample_packets.hpp"

namespace webvox::rtc::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<std::uint16_t> lost_of(const Nack& nack) {
  std::vector<std::uint16_t> lost;
  nack.for_each_lost([&](std::uint16_t seq) { lost.push_back(seq); });
  return lost;
}

TEST(RtcpFeedback, ParsesGenericNack) {
  const auto view = RtcpCompoundReader(samples::kNack).next();
  ASSERT_TRUE(view.has_value());
  const auto nack = parse_nack(*view);
  ASSERT_TRUE(nack.has_value()) << to_string(nack.error());
  EXPECT_EQ(nack->sender_ssrc, 1u);
  EXPECT_EQ(nack->media_ssrc, 0x5a3c1f09u);
  ASSERT_EQ(nack->entry_count(), 1u);
  EXPECT_EQ(lost_of(*nack), (std::vector<std::uint16_t>{0x1a2b, 0x1a2c, 0x1a2e}));
  EXPECT_FALSE(is_picture_loss_indication(*view));
}

TEST(RtcpFeedback, WritesTheSampleNackByteForByte) {
  const std::array<std::uint16_t, 3> lost = {0x1a2b, 0x1a2c, 0x1a2e};
  std::array<std::uint8_t, 16> buffer{};
  ASSERT_EQ(write_nack(buffer, 1, 0x5a3c1f09, lost), 16u);
  EXPECT_EQ(buffer, samples::kNack);
  EXPECT_FALSE(write_nack(std::span(buffer).first(15), 1, 2, lost).has_value());
  EXPECT_FALSE(write_nack(buffer, 1, 2, {}).has_value());
}

TEST(RtcpFeedback, NackRoundTripsAcrossWrapAndSeveralEntries) {
  const std::vector<std::uint16_t> lost = {0xfff0, 0xfffe, 0xffff, 0x0000, 0x0001, 0x0010, 0x0100};
  std::vector<std::uint8_t> buffer(nack_size(lost));
  ASSERT_EQ(buffer.size(), 12u + 4 * 3);  // 0xfff0..0x0000 | 0x0001..0x0010 | 0x0100
  ASSERT_EQ(write_nack(buffer, 7, 8, lost), buffer.size());
  const auto nack = parse_nack(*RtcpCompoundReader(buffer).next());
  ASSERT_TRUE(nack.has_value());
  EXPECT_EQ(lost_of(*nack), lost);
}

TEST(RtcpFeedback, RejectsNackWithoutWholeEntries) {
  Bytes packet(samples::kNack.begin(), samples::kNack.end());
  packet[3] = 0x02;
  packet.resize(12);
  EXPECT_EQ(parse_nack(*RtcpCompoundReader(packet).next()).error(), RtcpError::BadFeedbackLength);
  packet = Bytes{0x81, 0xcd, 0x00, 0x01, 0, 0, 0, 1};
  EXPECT_EQ(parse_nack(*RtcpCompoundReader(packet).next()).error(), RtcpError::BodyTooShort);
}

TEST(RtcpFeedback, PliRoundTripsAndRembIsOnlyGenericFeedback) {
  std::array<std::uint8_t, 12> buffer{};
  ASSERT_EQ(write_pli(buffer, 3, 4), 12u);
  const auto pli = RtcpCompoundReader(buffer).next();
  ASSERT_TRUE(pli.has_value());
  EXPECT_TRUE(is_picture_loss_indication(*pli));
  EXPECT_EQ(parse_nack(*pli).error(), RtcpError::WrongPacketType);

  const Bytes remb = {0x8f, 0xce, 0x00, 0x05, 0,    0,    0,    1,    0,    0,    0,    0,
                      'R',  'E',  'M',  'B',  0x01, 0x0a, 0xbc, 0xde, 0x5a, 0x3c, 0x1f, 0x09};
  const auto view = RtcpCompoundReader(remb).next();
  ASSERT_TRUE(view.has_value());
  const auto feedback = parse_feedback(*view);
  ASSERT_TRUE(feedback.has_value());
  EXPECT_EQ(feedback->format, kFeedbackFormatApplicationLayer);
  EXPECT_EQ(feedback->control_information.size(), 12u);
  EXPECT_FALSE(is_picture_loss_indication(*view));
}

}  // namespace
}  // namespace webvox::rtc::rtp
