#include "viewer/listener_tether.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "viewer/user_gain.hpp"

namespace webvox::viewer {
namespace {

double distance(const core::Vec3& a, const core::Vec3& b) {
  return std::hypot(a.x - b.x, a.y - b.y, a.z - b.z);
}

TEST(ListenerTether, WithinFiftyMetresTheEarStaysWhereItIs) {
  const core::Vec3 avatar{256100, 256100, 30};
  const core::Vec3 camera{256130, 256140, 30};  // exactly 50 m
  EXPECT_EQ(tether_listener(camera, avatar), camera);
  const core::Vec3 near{256101, 256099, 31.5};
  EXPECT_EQ(tether_listener(near, avatar), near);
  EXPECT_EQ(tether_listener(avatar, avatar), avatar);
}

TEST(ListenerTether, FartherEarsArePulledBackAlongTheLine) {
  const core::Vec3 avatar{1000, 2000, 25};
  const core::Vec3 camera{1000 + 300, 2000 + 400, 25};  // 500 m north-east
  const auto tethered = tether_listener(camera, avatar);
  EXPECT_NEAR(distance(tethered, avatar), kMaxListenerDistance, 1e-9);
  EXPECT_NEAR(tethered.x, 1030, 1e-9);
  EXPECT_NEAR(tethered.y, 2040, 1e-9);
  EXPECT_NEAR(tethered.z, 25, 1e-9);

  const core::Vec3 above{1000, 2000, 25 + 4096};
  EXPECT_NEAR(tether_listener(above, avatar).z, 75, 1e-9);
  EXPECT_NEAR(tether_listener(above, avatar, 10).z, 35, 1e-9);
}

TEST(ListenerTether, UnmeasurableEarsGoToTheAvatar) {
  const core::Vec3 avatar{5, 6, 7};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(tether_listener({nan, 0, 0}, avatar), avatar);
  EXPECT_EQ(tether_listener({1e308, -1e308, 0}, avatar), avatar);
  EXPECT_EQ(tether_listener({std::numeric_limits<double>::infinity(), 0, 0}, avatar), avatar);
}

TEST(UserGain, SliderDefaultIsUnityAndTheTopDoubles) {
  EXPECT_DOUBLE_EQ(user_gain(110), 1.0);
  EXPECT_DOUBLE_EQ(user_gain(0), 0.0);
  EXPECT_DOUBLE_EQ(user_gain(55), 0.5);
  EXPECT_DOUBLE_EQ(user_gain(220), 2.0);          // slider at 1.0
  EXPECT_DOUBLE_EQ(user_gain(200), 200.0 / 110);  // a stored volume of 1.0 restored on join
  EXPECT_DOUBLE_EQ(user_gain(221), kMaxUserGain);
  EXPECT_DOUBLE_EQ(user_gain(4294967295u), kMaxUserGain);
}

}  // namespace
}  // namespace webvox::viewer
