#include "core/channel_properties.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace webvox::core;

TEST(ChannelProperties, AbsentValuesTakeTheModuleDefaults) {
  const auto result = normalize({});
  EXPECT_EQ(result.properties, ChannelProperties{});
  EXPECT_EQ(result.properties.type, ChannelType::Positional);
  EXPECT_EQ(result.properties.mode, ChannelMode::Open);
  EXPECT_EQ(result.properties.distance_model, DistanceModel::Linear);
  EXPECT_DOUBLE_EQ(result.properties.roll_off, 2.0);
  EXPECT_EQ(result.properties.max_range, 60);
  EXPECT_EQ(result.properties.clamping_distance, 10);
  EXPECT_TRUE(result.adjustments.empty());
}

TEST(ChannelProperties, KeepsValidValues) {
  RequestedChannelProperties requested;
  requested.type = "channel";
  requested.mode = "auditorium";
  requested.distance_model = 3;
  requested.roll_off = 1.25;
  requested.max_range = 160;
  requested.clamping_distance = 0;
  const auto result = normalize(requested);
  EXPECT_EQ(result.properties.type, ChannelType::NonPositional);
  EXPECT_EQ(result.properties.mode, ChannelMode::Auditorium);
  EXPECT_EQ(result.properties.distance_model, DistanceModel::Exponential);
  EXPECT_DOUBLE_EQ(result.properties.roll_off, 1.25);
  EXPECT_EQ(result.properties.max_range, 160);
  EXPECT_EQ(result.properties.clamping_distance, 0);
  EXPECT_TRUE(result.adjustments.empty());
}

TEST(ChannelProperties, ClampsOddValuesAndSaysSo) {
  RequestedChannelProperties requested;
  requested.type = "weird";
  requested.mode = "party";
  requested.distance_model = 9;
  requested.roll_off = 7.5;
  requested.max_range = 500;
  requested.clamping_distance = -4;
  const auto result = normalize(requested);
  EXPECT_EQ(result.properties.type, ChannelType::Positional);
  EXPECT_EQ(result.properties.mode, ChannelMode::Open);
  EXPECT_EQ(result.properties.distance_model, DistanceModel::Linear);
  EXPECT_DOUBLE_EQ(result.properties.roll_off, 4.0);
  EXPECT_EQ(result.properties.max_range, 160);
  EXPECT_EQ(result.properties.clamping_distance, 0);
  EXPECT_EQ(result.adjustments.size(), 6u);
}

TEST(ChannelProperties, NotANumberFallsBackToTheDefault) {
  RequestedChannelProperties requested;
  requested.roll_off = std::numeric_limits<double>::quiet_NaN();
  requested.max_range = std::numeric_limits<double>::infinity();
  const auto result = normalize(requested);
  EXPECT_DOUBLE_EQ(result.properties.roll_off, 2.0);
  EXPECT_EQ(result.properties.max_range, 60);
  EXPECT_EQ(result.adjustments.size(), 2u);
}

TEST(ChannelProperties, ClampingDistanceBeyondMaxRangeIsAllowed) {
  RequestedChannelProperties requested;
  requested.max_range = 20;
  requested.clamping_distance = 40;
  const auto result = normalize(requested);
  EXPECT_EQ(result.properties.max_range, 20);
  EXPECT_EQ(result.properties.clamping_distance, 40);
  EXPECT_TRUE(result.adjustments.empty());
}

TEST(ChannelProperties, NamesRoundTrip) {
  for (auto type : {ChannelType::Positional, ChannelType::NonPositional, ChannelType::Directory}) {
    EXPECT_EQ(parse_channel_type(to_string(type)), type);
  }
  for (auto mode : {ChannelMode::Open, ChannelMode::Lecture, ChannelMode::Presentation,
                    ChannelMode::Auditorium}) {
    EXPECT_EQ(parse_channel_mode(to_string(mode)), mode);
  }
}
