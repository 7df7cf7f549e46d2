#include "base/log_throttle.hpp"

#include <gtest/gtest.h>

using webvox::base::LogThrottle;

namespace {

// `seconds` after an arbitrary start of the steady clock.
webvox::base::SteadyTime at(double seconds) {
  return webvox::base::SteadyTime{} + webvox::base::to_steady(webvox::base::Seconds(seconds));
}

}  // namespace

TEST(LogThrottle, OneLinePerIntervalSayingHowManyWereHeldBack) {
  LogThrottle throttle(webvox::base::Seconds(10.0));
  EXPECT_EQ(throttle.note(at(100.0)), 0u);  // the first is logged at once
  for (int i = 1; i <= 99; ++i) {           // ten a second, as accept() failed on main
    EXPECT_FALSE(throttle.note(at(100.0 + i * 0.1))) << i;
  }
  EXPECT_EQ(throttle.held_back(), 99u);
  EXPECT_EQ(throttle.note(at(110.0)), 99u);  // the next line tells of them
  EXPECT_EQ(throttle.held_back(), 0u);
  EXPECT_FALSE(throttle.note(at(115.0)));
  EXPECT_EQ(throttle.note(at(500.0)), 1u);  // after a quiet spell: logged at once
}
