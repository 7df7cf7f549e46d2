#include "rtc/rtp/rtcp_interval.hpp"

#include <gtest/gtest.h>

namespace webvox::rtc::rtp {
namespace {

using namespace std::chrono;

TEST(RtcpInterval, SpreadsOverHalfToOneAndAHalfTimesCompensated) {
  const microseconds one_second = seconds(1);
  // [0.5, 1.5] / 1.21828: 410 ms to 1231 ms for a 1 s interval.
  EXPECT_NEAR(static_cast<double>(randomized_rtcp_interval(one_second, 0.0).count()), 410415, 2);
  EXPECT_NEAR(static_cast<double>(randomized_rtcp_interval(one_second, 0.5).count()), 820830, 2);
  EXPECT_NEAR(static_cast<double>(randomized_rtcp_interval(one_second, 1.0).count()), 1231244, 2);
}

TEST(RtcpInterval, OutOfRangeRandomnessIsClamped) {
  const microseconds one_second = seconds(1);
  EXPECT_EQ(randomized_rtcp_interval(one_second, -3.0), randomized_rtcp_interval(one_second, 0.0));
  EXPECT_EQ(randomized_rtcp_interval(one_second, 7.0), randomized_rtcp_interval(one_second, 1.0));
}

}  // namespace
}  // namespace webvox::rtc::rtp
