#include "rtc/rtp/receive_statistics.hpp"

#include <gtest/gtest.h>

namespace webvox::rtc::rtp {
namespace {

constexpr std::uint32_t kFrame = 960;

TEST(ReceiveStatistics, CountsInOrderStreamWithoutLoss) {
  ReceiveStatistics stats;
  for (std::uint16_t i = 0; i < 50; ++i) stats.on_packet(100 + i, i * kFrame, 5000 + i * kFrame);
  EXPECT_EQ(stats.extended_highest_sequence_number(), 149u);
  EXPECT_EQ(stats.expected(), 50u);
  EXPECT_EQ(stats.cumulative_lost(), 0);
  EXPECT_EQ(stats.jitter(), 0u);
  const ReportBlock block = stats.make_report_block(0xabc, 0x1234, 0x5678);
  EXPECT_EQ(block.ssrc, 0xabcu);
  EXPECT_EQ(block.fraction_lost, 0);
  EXPECT_EQ(block.cumulative_lost, 0);
  EXPECT_EQ(block.extended_highest_sequence_number, 149u);
  EXPECT_EQ(block.last_sender_report, 0x1234u);
  EXPECT_EQ(block.delay_since_last_sender_report, 0x5678u);
}

TEST(ReceiveStatistics, CountsCyclesAcrossSequenceWrap) {
  ReceiveStatistics stats;
  for (std::uint32_t i = 0; i < 10; ++i) {
    stats.on_packet(static_cast<std::uint16_t>(65530 + i), i * kFrame, i * kFrame);
  }
  EXPECT_EQ(stats.extended_highest_sequence_number(), 0x10000u + 3);
  EXPECT_EQ(stats.expected(), 10u);
  EXPECT_EQ(stats.cumulative_lost(), 0);
}

TEST(ReceiveStatistics, FractionLostIsPerReportInterval) {
  ReceiveStatistics stats;
  // Interval 1: 0..99 with every 4th missing → 25 of 100 lost.
  for (std::uint16_t i = 0; i < 100; ++i) {
    if (i % 4 != 3) stats.on_packet(i, i * kFrame, i * kFrame);
  }
  stats.on_packet(100, 100 * kFrame, 100 * kFrame);
  // expected 101, received 76
  ReportBlock block = stats.make_report_block(1, 0, 0);
  EXPECT_EQ(block.cumulative_lost, 25);
  EXPECT_EQ(block.fraction_lost, 25 * 256 / 101);
  // Interval 2: no loss; cumulative stays, fraction returns to 0.
  for (std::uint16_t i = 101; i < 200; ++i) stats.on_packet(i, i * kFrame, i * kFrame);
  block = stats.make_report_block(1, 0, 0);
  EXPECT_EQ(block.cumulative_lost, 25);
  EXPECT_EQ(block.fraction_lost, 0);
}

TEST(ReceiveStatistics, DuplicatesMakeLossNegativeAndFractionZero) {
  ReceiveStatistics stats;
  for (std::uint16_t i = 0; i < 10; ++i) {
    stats.on_packet(i, i * kFrame, i * kFrame);
    stats.on_packet(i, i * kFrame, i * kFrame);
  }
  EXPECT_EQ(stats.cumulative_lost(), -10);
  const ReportBlock block = stats.make_report_block(1, 0, 0);
  EXPECT_EQ(block.cumulative_lost, -10);
  EXPECT_EQ(block.fraction_lost, 0);
}

TEST(ReceiveStatistics, JitterFollowsRfc3550Estimator) {
  ReceiveStatistics stats;
  // Transit alternates by 160 units: each |D| = 160, J converges towards 160.
  for (std::uint32_t i = 0; i < 400; ++i) {
    const std::uint32_t wobble = (i % 2) * 160;
    stats.on_packet(static_cast<std::uint16_t>(i), i * kFrame, i * kFrame + wobble);
  }
  EXPECT_GE(stats.jitter(), 150u);
  EXPECT_LE(stats.jitter(), 160u);
  // One step by hand: J = 0 + (|D| - 0)/16.
  ReceiveStatistics one;
  one.on_packet(0, 0, 1000);
  one.on_packet(1, kFrame, 1000 + kFrame + 320);
  EXPECT_EQ(one.jitter(), 20u);
}

TEST(ReceiveStatistics, ReorderedPacketIsReceivedNotLost) {
  ReceiveStatistics stats;
  stats.on_packet(10, 0, 0);
  stats.on_packet(12, 2 * kFrame, 2 * kFrame);
  EXPECT_EQ(stats.cumulative_lost(), 1);
  stats.on_packet(11, kFrame, 3 * kFrame);
  EXPECT_EQ(stats.cumulative_lost(), 0);
  EXPECT_EQ(stats.extended_highest_sequence_number(), 12u);
}

TEST(ReceiveStatistics, LargeJumpCountsOnlyWhenTheSenderRestarts) {
  ReceiveStatistics stats;
  for (std::uint16_t i = 0; i < 5; ++i) stats.on_packet(i, 0, 0);
  stats.on_packet(20000, 0, 0);  // stray: ignored
  EXPECT_EQ(stats.extended_highest_sequence_number(), 4u);
  EXPECT_EQ(stats.received(), 5u);
  stats.on_packet(30000, 0, 0);  // a new jump, then its successor: restart
  stats.on_packet(30001, 0, 0);
  EXPECT_EQ(stats.extended_highest_sequence_number(), 30001u);
  EXPECT_EQ(stats.expected(), 1u);
  EXPECT_EQ(stats.received(), 1u);
}

}  // namespace
}  // namespace webvox::rtc::rtp
