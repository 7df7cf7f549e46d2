#include "mixer/limiter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace webvox::mixer {
namespace {

float peak(const std::vector<float>& samples) {
  float p = 0;
  for (const float s : samples) p = std::max(p, std::fabs(s));
  return p;
}

TEST(PeakMagnitude, IsTheLargestMagnitudeOfAnySign) {
  EXPECT_EQ(peak_magnitude({}), 0.0f);
  std::vector<float> samples(1923);  // not a multiple of any vector width
  std::uint32_t state = 12345;
  for (int round = 0; round < 50; ++round) {
    for (float& s : samples) {
      state = state * 1664525u + 1013904223u;
      s = (static_cast<float>(state >> 8) / 16777216.0f - 0.5f) * 4.0f;
    }
    samples[state % samples.size()] = round % 2 ? -3.5f : 3.25f;  // somewhere, a known peak
    EXPECT_EQ(peak_magnitude(samples), peak(samples));
  }
  EXPECT_EQ(peak_magnitude(std::vector<float>{-0.0f, 0.0f}), 0.0f);
  EXPECT_EQ(peak_magnitude(std::vector<float>{0.1f, -INFINITY}), INFINITY);
  EXPECT_TRUE(std::isnan(peak_magnitude(std::vector<float>{0.1f, NAN, 2.0f})));
}

TEST(Limiter, LeavesAFrameWithNaNAlone) {
  Limiter limiter;
  std::vector<float> frame(1920, 1.5f);
  frame[7] = NAN;
  limiter.process(frame);
  EXPECT_EQ(frame[0], 1.5f);
  EXPECT_EQ(limiter.gain(), 1.0f);
}

TEST(Limiter, LeavesQuietFramesAlone) {
  Limiter limiter;
  std::vector<float> frame(1920, 0.5f);
  limiter.process(frame);
  EXPECT_EQ(frame, std::vector<float>(1920, 0.5f));
  EXPECT_EQ(limiter.gain(), 1.0f);
}

TEST(Limiter, BringsPeaksToTheCeilingThenRecoversSmoothly) {
  Limiter limiter;
  std::vector<float> loud(1920);
  for (std::size_t i = 0; i < loud.size(); ++i) loud[i] = (i % 2 ? -1.6f : 1.6f);
  limiter.process(loud);
  EXPECT_NEAR(peak(loud), Limiter::kCeiling, 1e-5);
  const float after_peak = limiter.gain();
  EXPECT_NEAR(after_peak, Limiter::kCeiling / 1.6f, 1e-6);
  // Quiet again: the gain rises by kReleasePerTick per frame, never in a jump.
  float previous = after_peak;
  for (int tick = 0; tick < 20; ++tick) {
    std::vector<float> quiet(1920, 0.1f);
    limiter.process(quiet);
    EXPECT_LE(limiter.gain() - previous, Limiter::kReleasePerTick + 1e-6);
    EXPECT_LE(peak(quiet), 0.1f + 1e-6);
    previous = limiter.gain();
  }
  EXPECT_EQ(limiter.gain(), 1.0f);
}

TEST(Limiter, NeverLetsASampleOutOfFullScale) {
  Limiter limiter;
  std::vector<float> frame(1920, 0.2f);
  frame[5] = 50.0f;
  frame[6] = -50.0f;
  limiter.process(frame);
  EXPECT_LE(peak(frame), 1.0f);
}

}  // namespace
}  // namespace webvox::mixer
