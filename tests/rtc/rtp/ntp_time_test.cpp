#include "rtc/rtp/ntp_time.hpp"

#include <gtest/gtest.h>

namespace webvox::rtc::rtp {
namespace {

using namespace std::chrono;

TEST(NtpTime, TheUnixEpochIs1970InNtpSeconds) {
  const auto ntp = to_ntp(system_clock::time_point{});
  EXPECT_EQ(ntp.seconds, 2208988800u);
  EXPECT_EQ(ntp.fraction, 0u);
}

TEST(NtpTime, FractionsAreBinary) {
  const auto half = to_ntp(system_clock::time_point{} + milliseconds(500));
  EXPECT_EQ(half.fraction, 0x80000000u);
  const auto quarter = to_ntp(system_clock::time_point{} + seconds(3) + milliseconds(250));
  EXPECT_EQ(quarter.seconds, 2208988803u);
  EXPECT_EQ(quarter.fraction, 0x40000000u);
}

TEST(NtpTime, CompactFormIsTheMiddle32Bits) {
  const NtpTime ntp{0x12345678, 0x9abcdef0};
  EXPECT_EQ(ntp.compact(), 0x56789abcu);
}

TEST(NtpTime, DelaysAreCountedIn65536thsOfASecond) {
  EXPECT_EQ(to_compact_duration(seconds(1)), 65536u);
  EXPECT_EQ(to_compact_duration(milliseconds(1500)), 98304u);
  EXPECT_EQ(to_compact_duration(-seconds(1)), 0u);
  EXPECT_EQ(to_compact_duration(hours(24 * 365)), 0xffffffffu);  // saturates
}

}  // namespace
}  // namespace webvox::rtc::rtp
