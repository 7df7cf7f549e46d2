#include "base/keyed_rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

using webvox::base::KeyedRateLimiter;

namespace {

// `seconds` after an arbitrary start of the steady clock.
webvox::base::SteadyTime at(double seconds) {
  return webvox::base::SteadyTime{} + webvox::base::to_steady(webvox::base::Seconds(seconds));
}

}  // namespace

TEST(KeyedRateLimiter, EachKeyHasItsOwnBucket) {
  KeyedRateLimiter limiter(1.0, 2, 10);
  EXPECT_TRUE(limiter.try_take("a", at(0)));
  EXPECT_TRUE(limiter.try_take("a", at(0)));
  EXPECT_FALSE(limiter.try_take("a", at(0)));
  EXPECT_TRUE(limiter.try_take("b", at(0)));  // a's flood does not touch b
  EXPECT_FALSE(limiter.try_take("a", at(0.5)));
  EXPECT_TRUE(limiter.try_take("a", at(1.0)));  // refilled at the rate
}

TEST(KeyedRateLimiter, StaysWithinItsCapacityForgettingTheLeastRecentKey) {
  KeyedRateLimiter limiter(1.0, 1, 3);
  EXPECT_TRUE(limiter.try_take("a", at(0)));
  EXPECT_TRUE(limiter.try_take("b", at(0)));
  EXPECT_TRUE(limiter.try_take("c", at(0)));
  EXPECT_FALSE(limiter.try_take("a", at(0)));  // a is now the most recent
  EXPECT_TRUE(limiter.try_take("d", at(0)));   // pushes out b, the least recent
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_FALSE(limiter.try_take("a", at(0)));  // a was remembered, still empty
  EXPECT_FALSE(limiter.try_take("c", at(0)));
  EXPECT_TRUE(limiter.try_take("b", at(0)));  // b was forgotten: a fresh bucket
  for (int i = 0; i < 1000; ++i) limiter.try_take("k" + std::to_string(i), at(0));
  EXPECT_EQ(limiter.size(), 3u);
}
