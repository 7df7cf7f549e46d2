#include "rtc/stun/ice_lite_session.hpp"

#include <gtest/gtest.h>

#include "rtc/stun/ice_session_lookup.hpp"

namespace webvox::rtc::stun {
namespace {

using std::chrono::seconds;

const IceTime kStart{};
const auto kWifi = TransportAddress::ipv4({192, 168, 1, 20}, 50000);
const auto kMobile = TransportAddress::ipv4({10, 0, 0, 7}, 40000);

IceLiteSession make_session(std::string ufrag = "srv1") {
  return IceLiteSession({std::move(ufrag), "password-of-22-chars!!"}, "brw1");
}

TEST(IceLiteSession, StartsChecking) {
  const auto session = make_session();
  EXPECT_EQ(session.state(kStart + seconds(100)), IceState::Checking);
  EXPECT_FALSE(session.nominated_address().has_value());
}

TEST(IceLiteSession, AValidCheckConnectsWithoutNominating) {
  auto session = make_session();
  EXPECT_FALSE(session.on_valid_check(kWifi, false, kStart));
  EXPECT_EQ(session.state(kStart), IceState::Connected);
  EXPECT_FALSE(session.nominated_address().has_value());
}

TEST(IceLiteSession, UseCandidateNominatesAndTheLatestNominationWins) {
  auto session = make_session();
  EXPECT_TRUE(session.on_valid_check(kWifi, true, kStart));
  EXPECT_EQ(session.nominated_address(), kWifi);
  EXPECT_FALSE(session.on_valid_check(kWifi, true, kStart + seconds(1)));
  EXPECT_FALSE(session.on_valid_check(kMobile, false, kStart + seconds(2)));
  EXPECT_EQ(session.nominated_address(), kWifi);
  EXPECT_TRUE(session.on_valid_check(kMobile, true, kStart + seconds(3)));
  EXPECT_EQ(session.nominated_address(), kMobile);
}

TEST(IceLiteSession, ConsentExpiresThirtySecondsAfterTheLastValidCheck) {
  auto session = make_session();
  session.on_valid_check(kWifi, true, kStart);
  session.on_valid_check(kWifi, false, kStart + seconds(5));
  EXPECT_EQ(session.state(kStart + seconds(34)), IceState::Connected);
  EXPECT_EQ(session.state(kStart + seconds(35)), IceState::Disconnected);
  session.on_valid_check(kWifi, false, kStart + seconds(40));
  EXPECT_EQ(session.state(kStart + seconds(41)), IceState::Connected);
}

TEST(IceLiteSession, AnOlderCheckDoesNotRewindConsent) {
  auto session = make_session();
  session.on_valid_check(kWifi, false, kStart + seconds(10));
  session.on_valid_check(kWifi, false, kStart);
  EXPECT_EQ(session.state(kStart + seconds(39)), IceState::Connected);
}

TEST(IceSessionTable, FindsSessionsByLocalUfrag) {
  IceSessionTable table;
  EXPECT_TRUE(table.add(make_session("aaaa")));
  EXPECT_TRUE(table.add(make_session("bbbb")));
  EXPECT_FALSE(table.add(make_session("aaaa")));
  EXPECT_EQ(table.size(), 2u);
  ASSERT_NE(table.find("bbbb"), nullptr);
  EXPECT_EQ(table.find("bbbb")->local().ufrag, "bbbb");
  EXPECT_EQ(table.find("cccc"), nullptr);
  EXPECT_TRUE(table.remove("aaaa"));
  EXPECT_FALSE(table.remove("aaaa"));
  EXPECT_EQ(table.find("aaaa"), nullptr);
}

TEST(SplitUsername, NeedsTwoNonEmptyHalves) {
  const auto parts = split_username("srv1:brw1");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->local_ufrag, "srv1");
  EXPECT_EQ(parts->remote_ufrag, "brw1");
  EXPECT_FALSE(split_username("srv1").has_value());
  EXPECT_FALSE(split_username(":brw1").has_value());
  EXPECT_FALSE(split_username("srv1:").has_value());
  EXPECT_EQ(split_username("a:b:c")->remote_ufrag, "b:c");
}

}  // namespace
}  // namespace webvox::rtc::stun
