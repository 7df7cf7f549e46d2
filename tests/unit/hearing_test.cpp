// Who hears whom, by position and channel mode (docs/signalling.md "Channel modes").
#include <gtest/gtest.h>

#include "core/hearing.hpp"

using namespace webvox::core;

namespace {

using Strings = std::vector<std::string>;

ChannelProperties channel(ChannelMode mode, ChannelType type = ChannelType::Positional) {
  ChannelProperties p;  // linear, ref 10, max 60, r 2: silent from 35 m
  p.mode = mode;
  p.type = type;
  return p;
}

HearingMember at(std::string id, double x, Role role = Role::Participant, bool floor = true) {
  return {std::move(id), role, floor, Position{x, 0, 0, 0}};
}

}  // namespace

TEST(Hearing, OpenPositionalChannelCullsByRange) {
  const auto hearing = decide_hearing(channel(ChannelMode::Open),
                                      {at("l", 0), at("a", 5), at("b", 25), at("c", 40)});
  EXPECT_EQ(hearing[0].audible, (Strings{"a", "b"}));
  EXPECT_EQ(hearing[0].listeners, (Strings{"a", "b"}));
  EXPECT_EQ(hearing[3].audible, (Strings{"b"}));  // a is 35 m away: silent, so not sent
  EXPECT_EQ(hearing[1].audible, (Strings{"l", "b"}));
}

TEST(Hearing, NoOneHearsThemselves) {
  const auto hearing = decide_hearing(channel(ChannelMode::Open), {at("a", 0)});
  EXPECT_TRUE(hearing[0].audible.empty());
  EXPECT_TRUE(hearing[0].listeners.empty());
}

TEST(Hearing, UnplacedMembersHearAndAreHeardAtFullLevel) {
  const HearingMember unplaced{"u", Role::Participant, true, std::nullopt};
  const auto hearing =
      decide_hearing(channel(ChannelMode::Open), {at("a", 0), at("far", 8000), unplaced});
  EXPECT_EQ(hearing[2].audible, (Strings{"a", "far"}));
  EXPECT_EQ(hearing[2].listeners, (Strings{"a", "far"}));
  EXPECT_EQ(hearing_gain(channel(ChannelMode::Open), unplaced, at("far", 8000)), 1.0);
}

TEST(Hearing, NonPositionalChannelsIgnoreDistance) {
  const auto c = channel(ChannelMode::Open, ChannelType::NonPositional);
  EXPECT_EQ(hearing_gain(c, at("a", 0), at("b", 5000)), 1.0);
}

TEST(Hearing, LectureHearsOnlyWhoHoldsTheFloor) {
  const auto c = channel(ChannelMode::Lecture);
  EXPECT_TRUE(has_floor_on_join(ChannelMode::Lecture, Role::Moderator));
  EXPECT_FALSE(has_floor_on_join(ChannelMode::Lecture, Role::Participant));
  const auto hearing =
      decide_hearing(c, {at("m", 0, Role::Moderator), at("p", 5, Role::Participant, false),
                         at("g", 10, Role::Participant, true), at("far", 50, Role::Moderator)});
  EXPECT_EQ(hearing[1].audible, (Strings{"m", "g"}));
  EXPECT_TRUE(hearing[1].listeners.empty());      // without the floor, sent to no one
  EXPECT_EQ(hearing[0].audible, (Strings{"g"}));  // the far moderator is out of range
}

TEST(Hearing, PresentationModeratorsAreHeardEverywhere) {
  for (auto mode : {ChannelMode::Presentation, ChannelMode::Auditorium}) {
    const auto c = channel(mode);
    EXPECT_EQ(hearing_gain(c, at("m", 0, Role::Moderator), at("p", 4000)), 1.0);
    EXPECT_EQ(hearing_gain(c, at("g", 0, Role::Participant, true), at("p", 40)), 0.0);
    EXPECT_NEAR(hearing_gain(c, at("g", 0, Role::Participant, true), at("p", 25)), 0.4, 1e-12);
  }
  EXPECT_LT(hearing_gain(channel(ChannelMode::Lecture), at("m", 0, Role::Moderator), at("p", 25)),
            1.0);
}

TEST(Hearing, ModeRules) {
  EXPECT_FALSE(floor_is_moderated(ChannelMode::Open));
  EXPECT_TRUE(floor_is_moderated(ChannelMode::Lecture));
  EXPECT_TRUE(floor_is_single(ChannelMode::Auditorium));
  EXPECT_FALSE(floor_is_single(ChannelMode::Presentation));
  EXPECT_TRUE(has_floor_on_join(ChannelMode::Open, Role::Participant));
}
