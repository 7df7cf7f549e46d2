#include "mixer/voice_activity.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace webvox::mixer {
namespace {

double from_dbfs(double dbfs) { return std::pow(10.0, dbfs / 20); }

TEST(VoiceActivity, SpeakingWithHysteresisAndHangover) {
  VoiceActivity activity;
  activity.update(from_dbfs(-60));
  EXPECT_FALSE(activity.speaking());
  activity.update(from_dbfs(-30));
  EXPECT_TRUE(activity.speaking());
  // Between the thresholds: stays on as long as it likes.
  for (int i = 0; i < 100; ++i) activity.update(from_dbfs(-50));
  EXPECT_TRUE(activity.speaking());
  // Below the lower one: off after the hangover, not before.
  for (int i = 0; i < VoiceActivity::kHangoverTicks - 1; ++i) activity.update(from_dbfs(-70));
  EXPECT_TRUE(activity.speaking());
  activity.update(0);
  EXPECT_FALSE(activity.speaking());
  // From silence, -50 is not enough to start.
  for (int i = 0; i < 10; ++i) activity.update(from_dbfs(-50));
  EXPECT_FALSE(activity.speaking());
}

TEST(VoiceActivity, PowerOnTheViewersScale) {
  VoiceActivity activity;
  activity.update(from_dbfs(-25));
  EXPECT_NEAR(activity.power(), 1 - 0.008 * 25, 1e-9);
  activity.update(1.0);
  EXPECT_NEAR(activity.power(), 1, 1e-9);
  // Falls smoothly, to 0 in silence.
  activity.update(0);
  EXPECT_NEAR(activity.power(), 1 + 0.008 * 10 * std::log10(VoiceActivity::kFallPerTick), 1e-9);
  for (int i = 0; i < 200; ++i) activity.update(0);
  EXPECT_EQ(activity.power(), 0);
}

}  // namespace
}  // namespace webvox::mixer
