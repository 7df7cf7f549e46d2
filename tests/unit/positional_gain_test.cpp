// The gain function against the spec's worked values (tests/data/positional_gain_cases.json,
// shared with the browser client's tests) and against a literal transcription of the spec.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/positional_gain.hpp"

using namespace webvox::core;
using nlohmann::json;

namespace {

json load_cases() {
  std::ifstream in(std::string(WEBVOX_TEST_DATA_DIR) + "/positional_gain_cases.json");
  return json::parse(in);
}

ChannelProperties channel_of(const json& c) {
  ChannelProperties p;
  p.type = ChannelType::Positional;
  p.distance_model = static_cast<DistanceModel>(c.at("model").get<int>());
  p.clamping_distance = c.at("ref").get<int>();
  p.max_range = c.at("max").get<int>();
  p.roll_off = c.at("rollOff").get<double>();
  return p;
}

// shared/spec/positional-audio.md, read literally: d' = min(max(d, ref), max), then the model's
// formula; d > max → 0; ref raised to 1 m for inverse and exponential. Only meaningful for
// ref ≤ max, where the spec's table applies as written.
double spec_gain(int model, double ref, double max, double r, double d) {
  if (d > max) return 0;
  if (model == 1 || model == 3) ref = std::max(ref, 1.0);
  const double clamped = std::min(std::max(d, ref), max);
  switch (model) {
    case 0:
      return 1;
    case 1:
      return ref / (ref + r * (clamped - ref));
    case 2:
      return max == ref ? 1 : std::max(0.0, 1 - r * (clamped - ref) / (max - ref));
    case 3:
      return std::pow(clamped / ref, -r);
  }
  return -1;
}

}  // namespace

TEST(PositionalGain, MatchesTheWorkedValues) {
  const auto cases = load_cases();
  const double tolerance = cases.at("tolerance");
  ASSERT_GT(cases.at("gain").size(), 30u);
  for (const auto& c : cases.at("gain")) {
    EXPECT_NEAR(positional_gain(channel_of(c), c.at("distance")), c.at("gain").get<double>(),
                tolerance)
        << c.at("note").get<std::string>() << " at d = " << c.at("distance");
  }
}

TEST(PositionalGain, AudibleRangeMatchesTheWorkedValues) {
  const auto cases = load_cases();
  for (const auto& c : cases.at("range")) {
    EXPECT_NEAR(audible_range(channel_of(c)), c.at("range").get<double>(), 1e-9)
        << c.at("note").get<std::string>();
  }
}

TEST(PositionalGain, AgreesWithTheSpecFormulaEverywhere) {
  std::size_t compared = 0;
  for (int model = 0; model <= 3; ++model) {
    for (int max = 0; max <= 160; max += 8) {
      for (int ref = 0; ref <= max; ref += 4) {
        for (double r = 1.0; r <= 4.0; r += 0.25) {
          ChannelProperties p;
          p.distance_model = static_cast<DistanceModel>(model);
          p.clamping_distance = ref;
          p.max_range = max;
          p.roll_off = r;
          // The spec's 1 m floor only matters for inverse/exponential with ref 0: then the
          // literal d' clamps to [1, max], which needs max ≥ 1.
          if ((model == 1 || model == 3) && max < 1) continue;
          for (double d = 0; d <= 170; d += 0.37) {
            const double expected = spec_gain(model, ref, max, r, d);
            const double actual = positional_gain(p, d);
            ASSERT_NEAR(actual, expected, 1e-12) << "model " << model << " ref " << ref << " max "
                                                 << max << " r " << r << " d " << d;
            ASSERT_GE(actual, 0.0);
            ASSERT_LE(actual, 1.0);
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 1000000u);
}

TEST(PositionalGain, SilentExactlyFromTheAudibleRange) {
  for (int model = 0; model <= 3; ++model) {
    for (double r : {1.0, 2.0, 3.5, 4.0}) {
      ChannelProperties p;
      p.distance_model = static_cast<DistanceModel>(model);
      p.roll_off = r;
      const double range = audible_range(p);
      EXPECT_EQ(positional_gain(p, range + 1e-6), 0.0) << model << " " << r;
      EXPECT_GT(positional_gain(p, range - 1e-6), 0.0) << model << " " << r;
    }
  }
}

TEST(PositionalGain, NonPositionalChannelsPlayEveryoneAtFullLevel) {
  ChannelProperties p;
  p.type = ChannelType::NonPositional;
  for (double d : {0.0, 35.0, 60.0, 500.0}) EXPECT_EQ(positional_gain(p, d), 1.0);
  EXPECT_EQ(audible_range(p), 60.0);
}

TEST(PositionalGain, NotANumberIsSilence) {
  const ChannelProperties p;
  EXPECT_EQ(positional_gain(p, std::nan("")), 0.0);
  EXPECT_EQ(positional_gain(p, INFINITY), 0.0);
}
