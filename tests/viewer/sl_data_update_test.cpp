#include "viewer/sl_data_update.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace webvox::viewer {
namespace {

constexpr const char* kAlice = "a1a1a1a1-0000-4000-8000-000000000001";
constexpr const char* kBobUpper = "B0B0B0B0-0000-4000-8000-00000000000B";
constexpr const char* kBob = "b0b0b0b0-0000-4000-8000-00000000000b";
constexpr const char* kNil = "00000000-0000-0000-0000-000000000000";

SlDataUpdate parsed(std::string_view text) {
  auto result = parse_sl_data(text);
  if (!result) {
    ADD_FAILURE() << "refused (" << to_string(result.error()) << "): " << text;
    return {};
  }
  return std::move(result).value();
}

SlDataError refused(std::string_view text) {
  auto result = parse_sl_data(text);
  if (result) {
    ADD_FAILURE() << "accepted: " << text;
    return SlDataError::NotJson;
  }
  return result.error();
}

// What sendPositionUpdate writes (llvoicewebrtc.cpp): four keys in one object, an avatar in a
// region at grid (1000, 1000) facing 90° left (yaw about +Z), the camera 3 m behind it.
TEST(SlDataUpdate, PositionMessageAsTheViewerWritesIt) {
  const auto update =
      parsed(R"({"lh":{"w":70,"x":0,"y":0,"z":70},"lp":{"x":25600000,"y":25600128,"z":2250},)"
             R"("sh":{"w":70,"x":0,"y":0,"z":70},"sp":{"x":25600000,"y":25600428,"z":2350}})");
  ASSERT_TRUE(update.speaker_position);
  EXPECT_DOUBLE_EQ(update.speaker_position->x, 256000.0);
  EXPECT_DOUBLE_EQ(update.speaker_position->y, 256004.28);
  EXPECT_DOUBLE_EQ(update.speaker_position->z, 23.5);
  ASSERT_TRUE(update.listener_position);
  EXPECT_DOUBLE_EQ(update.listener_position->y, 256001.28);
  ASSERT_TRUE(update.speaker_orientation);
  EXPECT_NEAR(update.speaker_orientation->z, std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(update.speaker_orientation->w, std::sqrt(0.5), 1e-12);
  EXPECT_DOUBLE_EQ(update.speaker_orientation->x, 0.0);
  ASSERT_TRUE(update.listener_orientation);
  EXPECT_FALSE(update.join);
  EXPECT_TRUE(update.user_gains.empty());
  EXPECT_TRUE(update.mutes.empty());
  EXPECT_EQ(update.skipped.total(), 0u);
}

TEST(SlDataUpdate, OrientationIsNormalisedFromHundredths) {
  const auto update = parsed(R"({"sh":{"x":-1,"y":2,"z":-2,"w":4}})");
  ASSERT_TRUE(update.speaker_orientation);
  const auto& q = *update.speaker_orientation;
  EXPECT_NEAR(q.x, -0.2, 1e-12);
  EXPECT_NEAR(q.y, 0.4, 1e-12);
  EXPECT_NEAR(q.z, -0.4, 1e-12);
  EXPECT_NEAR(q.w, 0.8, 1e-12);
}

TEST(SlDataUpdate, NegativeAndExtremeCentimetres) {
  const auto update = parsed(R"({"sp":{"x":-2147483648,"y":2147483647,"z":-150}})");
  ASSERT_TRUE(update.speaker_position);
  EXPECT_DOUBLE_EQ(update.speaker_position->x, -21474836.48);
  EXPECT_DOUBLE_EQ(update.speaker_position->y, 21474836.47);
  EXPECT_DOUBLE_EQ(update.speaker_position->z, -1.5);
}

TEST(SlDataUpdate, JoinsWithAndWithoutPrimary) {
  auto update = parsed(R"({"j":{}})");
  ASSERT_TRUE(update.join);
  EXPECT_FALSE(update.join->primary);
  update = parsed(R"({"j":{"p":true}})");
  ASSERT_TRUE(update.join);
  EXPECT_TRUE(update.join->primary);
  update = parsed(R"({"j":{"p":false,"future":1}})");
  ASSERT_TRUE(update.join);
  EXPECT_FALSE(update.join->primary);
}

TEST(SlDataUpdate, UserGainsAndMutesKeyedByCanonicalAgent) {
  const auto update = parsed(std::string(R"({"ug":{")") + kBobUpper + R"(":220,")" + kAlice +
                             R"(":0},"m":{")" + kAlice + R"(":true,")" + kBob + R"(":false}})");
  ASSERT_EQ(update.user_gains.size(), 2u);
  EXPECT_EQ(update.user_gains.at(kBob), 220u);
  EXPECT_EQ(update.user_gains.at(kAlice), 0u);
  ASSERT_EQ(update.mutes.size(), 2u);
  EXPECT_TRUE(update.mutes.at(kAlice));
  EXPECT_FALSE(update.mutes.at(kBob));
}

TEST(SlDataUpdate, BadEntriesAreSkippedAndCountedByReason) {
  const auto update = parsed(std::string(R"({"ug":{"not-a-uuid":110,")") + kNil + R"(":110,")" +
                             kAlice + R"(":-1,")" + kBob + R"(":110},"m":{")" + kAlice +
                             R"(":"yes","x":true,")" + kNil + R"(":true}})");
  EXPECT_EQ(update.user_gains.size(), 1u);
  EXPECT_EQ(update.user_gains.at(kBob), 110u);
  EXPECT_TRUE(update.mutes.empty());
  EXPECT_EQ(update.skipped.invalid_agent_key, 2u);
  EXPECT_EQ(update.skipped.nil_agent_key, 2u);
  EXPECT_EQ(update.skipped.bad_value, 2u);
}

TEST(SlDataUpdate, UserGainRange) {
  std::string text =
      std::string(R"({"ug":{")") + kAlice + R"(":4294967295,")" + kBob + R"(":4294967296}})";
  const auto update = parsed(text);
  EXPECT_EQ(update.user_gains.at(kAlice), 4294967295u);
  EXPECT_FALSE(update.user_gains.contains(kBob));
  EXPECT_EQ(update.skipped.bad_value, 1u);
  EXPECT_EQ(parsed(std::string(R"({"ug":{")") + kAlice + R"(":110.5}})").skipped.bad_value, 1u);
}

TEST(SlDataUpdate, UnknownKeysAreIgnored) {
  const auto update = parsed(R"({"ge":1,"future":{"x":[1,2]},"j":{}})");
  EXPECT_TRUE(update.join);
  EXPECT_TRUE(parsed("{}").join == std::nullopt);
}

TEST(SlDataUpdate, RefusedMessagesSayWhy) {
  EXPECT_EQ(refused(""), SlDataError::NotJson);
  EXPECT_EQ(refused("{\"j\":"), SlDataError::NotJson);
  EXPECT_EQ(refused("{} {}"), SlDataError::NotJson);
  EXPECT_EQ(refused("[]"), SlDataError::NotAnObject);
  EXPECT_EQ(refused("\"j\""), SlDataError::NotAnObject);
  EXPECT_EQ(refused(R"({"sp":{"x":1,"y":2}})"), SlDataError::BadPosition);
  EXPECT_EQ(refused(R"({"sp":{"x":1,"y":2,"z":3.5}})"), SlDataError::BadPosition);
  EXPECT_EQ(refused(R"({"lp":[1,2,3]})"), SlDataError::BadPosition);
  EXPECT_EQ(refused(R"({"lp":{"x":2147483648,"y":0,"z":0}})"), SlDataError::BadPosition);
  EXPECT_EQ(refused(R"({"sh":{"x":0,"y":0,"z":0}})"), SlDataError::BadOrientation);
  EXPECT_EQ(refused(R"({"lh":{"x":0,"y":0,"z":0,"w":"1"}})"), SlDataError::BadOrientation);
  EXPECT_EQ(refused(R"({"sh":{"x":0,"y":0,"z":0,"w":0}})"), SlDataError::ZeroOrientation);
  EXPECT_EQ(refused(R"({"j":true})"), SlDataError::BadJoin);
  EXPECT_EQ(refused(R"({"j":{"p":1}})"), SlDataError::BadJoin);
  EXPECT_EQ(refused(R"({"ug":[]})"), SlDataError::BadUserGains);
  EXPECT_EQ(refused(R"({"m":true})"), SlDataError::BadMutes);
}

TEST(SlDataUpdate, SizeAndEntryBounds) {
  std::string big = R"({"x":")" + std::string(SlDataLimits::kMaxMessageBytes, 'a') + "\"}";
  EXPECT_EQ(refused(big), SlDataError::TooLarge);

  // The entry bound on its own: short keys (invalid ones count too) keep the message small.
  std::string compact = "{";
  for (std::size_t i = 0; i <= SlDataLimits::kMaxMapEntries; ++i) {
    compact += (i ? ",\"" : "\"") + std::to_string(i) + "\":1";
  }
  compact += "}";
  ASSERT_LT(compact.size() + 10, SlDataLimits::kMaxMessageBytes);
  EXPECT_EQ(refused(R"({"ug":)" + compact + "}"), SlDataError::TooManyEntries);
  EXPECT_EQ(refused(R"({"m":)" + compact + "}"), SlDataError::TooManyEntries);
}

TEST(SlDataUpdate, FormatRoundTrips) {
  SlDataUpdate update;
  update.speaker_position = core::Vec3{256000.5, 256004.28, 23.5};
  update.listener_position = core::Vec3{-1.25, 0, 1e6};
  update.speaker_orientation = core::Quaternion{0, 0, std::sqrt(0.5), std::sqrt(0.5)};
  update.join = SlDataJoin{true};
  update.user_gains[kAlice] = 220;
  update.mutes[kBob] = true;

  const auto text = format_sl_data(update);
  const auto again = parsed(text);
  EXPECT_EQ(again.speaker_position, update.speaker_position);
  EXPECT_EQ(again.listener_position, update.listener_position);
  ASSERT_TRUE(again.speaker_orientation);
  EXPECT_NEAR(again.speaker_orientation->z, std::sqrt(0.5), 1e-12);
  EXPECT_FALSE(again.listener_orientation);
  EXPECT_EQ(again.join, update.join);
  EXPECT_EQ(again.user_gains, update.user_gains);
  EXPECT_EQ(again.mutes, update.mutes);
  SlDataUpdate join;
  join.join = SlDataJoin{false};
  EXPECT_EQ(format_sl_data(join), R"({"j":{}})");
}

// nlohmann's parser stops at a NUL byte: what comes after it must not be ignored.
TEST(SlDataUpdate, TextWithANulByteIsNotJson) {
  const std::string text("{\"j\":{\"p\":true}}\0trailing", 25);
  const auto parsed = parse_sl_data(text);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error(), SlDataError::NotJson);
}

}  // namespace
}  // namespace webvox::viewer
