#include "rtc/rtp/send_statistics.hpp"

#include <gtest/gtest.h>

namespace webvox::rtc::rtp {
namespace {

using namespace std::chrono;

TEST(SendStatistics, CountsPacketsAndPayloadOctets) {
  SendStatistics stats;
  const auto start = SendStatistics::Clock::time_point{} + seconds(100);
  EXPECT_FALSE(stats.has_packets());
  stats.on_packet(1000, 80, start);
  stats.on_packet(1960, 70, start + milliseconds(20));
  EXPECT_TRUE(stats.has_packets());
  const auto info = stats.sender_info({5, 6}, start + milliseconds(20));
  EXPECT_EQ(info.packet_count, 2u);
  EXPECT_EQ(info.octet_count, 150u);
  EXPECT_EQ(info.rtp_timestamp, 1960u);
  EXPECT_EQ(info.ntp_seconds, 5u);
  EXPECT_EQ(info.ntp_fraction, 6u);
}

TEST(SendStatistics, TheTimestampRunsOnFromTheLastPacketAtTheClockRate) {
  SendStatistics stats(48000);
  const auto start = SendStatistics::Clock::time_point{} + seconds(100);
  stats.on_packet(0xffffff00, 80, start);
  // 250 ms later: 12000 ticks, wrapping past 2^32 as RTP timestamps do.
  EXPECT_EQ(stats.sender_info({}, start + milliseconds(250)).rtp_timestamp, 0xffffff00u + 12000u);
  // A report computed "before" the last packet (clock skew between callers) does not go back.
  EXPECT_EQ(stats.sender_info({}, start - milliseconds(5)).rtp_timestamp, 0xffffff00u);
}

}  // namespace
}  // namespace webvox::rtc::rtp
