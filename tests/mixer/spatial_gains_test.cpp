#include "mixer/spatial_gains.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/positional_gain.hpp"

namespace webvox::mixer {
namespace {

constexpr double kPi = std::numbers::pi;

// A rotation of `yaw` radians about +Z (counter-clockwise seen from above), LL order.
core::Quaternion yaw(double radians) {
  return {0, 0, std::sin(radians / 2), std::cos(radians / 2)};
}

// A rotation about the local +Y (left) axis: positive pitches the nose down (right-handed).
core::Quaternion pitch(double radians) {
  return {0, std::sin(radians / 2), 0, std::cos(radians / 2)};
}

core::Quaternion times(const core::Quaternion& a, const core::Quaternion& b) {
  return {
      a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y, a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
      a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w, a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z};
}

const Vec3 kHere{128, 128, 22};

TEST(RelativeBearing, FacingEastNorthIsLeftSouthIsRight) {
  const core::Quaternion east{0, 0, 0, 1};
  EXPECT_NEAR(*relative_bearing(kHere, east, {128, 135, 22}), kPi / 2, 1e-12);   // north
  EXPECT_NEAR(*relative_bearing(kHere, east, {128, 120, 22}), -kPi / 2, 1e-12);  // south
  EXPECT_NEAR(*relative_bearing(kHere, east, {140, 128, 22}), 0, 1e-12);         // ahead
  EXPECT_NEAR(*relative_bearing(kHere, east, {100, 128, 22}), kPi, 1e-12);       // behind: +pi
  EXPECT_NEAR(*relative_bearing(kHere, east, {133, 133, 22}), kPi / 4, 1e-12);
}

TEST(RelativeBearing, TurningTheListenerTurnsTheBearing) {
  // Facing north (yaw +90°), a speaker to the east is on the right.
  EXPECT_NEAR(*relative_bearing(kHere, yaw(kPi / 2), {140, 128, 22}), -kPi / 2, 1e-12);
  // Facing west, north is on the right.
  EXPECT_NEAR(*relative_bearing(kHere, yaw(kPi), {128, 135, 22}), -kPi / 2, 1e-12);
  // 30° left of a listener facing 60°: at 90° in the world, i.e. straight north.
  EXPECT_NEAR(*relative_bearing(kHere, yaw(kPi / 3), {128, 140, 22}), kPi / 6, 1e-12);
}

TEST(RelativeBearing, QuaternionsNeedNotBeUnit) {
  // The viewer's ×100 integers, read back: 0.71 and 0.70 are not quite unit.
  const core::Quaternion north{0, 0, 0.71, 0.70};
  EXPECT_NEAR(*relative_bearing(kHere, north, {140, 128, 22}), -kPi / 2, 0.02);
  const core::Quaternion scaled{0, 0, 71, 70};
  EXPECT_NEAR(*relative_bearing(kHere, scaled, {140, 128, 22}),
              *relative_bearing(kHere, north, {140, 128, 22}), 1e-12);
}

TEST(RelativeBearing, APitchedCameraKeepsItsLeftAndRight) {
  // Looking 80° down (and straight down), facing east: north is still on the left.
  for (const double down : {0.3, 80 * kPi / 180, kPi / 2}) {
    const auto camera = pitch(down);
    EXPECT_NEAR(*relative_bearing(kHere, camera, {128, 135, 22}), kPi / 2, 1e-9) << down;
    EXPECT_NEAR(*relative_bearing(kHere, camera, {128, 120, 22}), -kPi / 2, 1e-9) << down;
  }
  // Yawed to face north, then pitched down: east is on the right.
  const auto camera = times(yaw(kPi / 2), pitch(0.5));
  EXPECT_NEAR(*relative_bearing(kHere, camera, {140, 128, 22}), -kPi / 2, 1e-9);
}

TEST(RelativeBearing, NoneOnTheSameSpotOrForADegenerateRotation) {
  const core::Quaternion east{0, 0, 0, 1};
  EXPECT_FALSE(relative_bearing(kHere, east, kHere));
  EXPECT_FALSE(relative_bearing(kHere, east, {128, 128, 40}));  // straight above
  EXPECT_FALSE(relative_bearing(kHere, {0, 0, 0, 0}, {140, 128, 22}));
  EXPECT_FALSE(relative_bearing(kHere, {NAN, 0, 0, 1}, {140, 128, 22}));
}

TEST(StereoPan, IsMinusSineOfTheBearing) {
  EXPECT_DOUBLE_EQ(stereo_pan(kPi / 2), -1);  // left
  EXPECT_DOUBLE_EQ(stereo_pan(-kPi / 2), 1);  // right
  EXPECT_DOUBLE_EQ(stereo_pan(0.0), 0);
  EXPECT_NEAR(stereo_pan(kPi / 6), -0.5, 1e-12);
  EXPECT_NEAR(stereo_pan(5 * kPi / 6), -0.5, 1e-12);  // behind-left sounds like front-left
  EXPECT_DOUBLE_EQ(stereo_pan(std::nullopt), 0);
  EXPECT_FALSE(std::signbit(stereo_pan(0.0)));  // -sin(0) is -0: not passed on
}

TEST(EqualPowerGains, HandValues) {
  const auto centre = equal_power_gains(0);
  EXPECT_NEAR(centre.left, std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(centre.right, std::sqrt(0.5), 1e-12);
  const auto left = equal_power_gains(-1);
  EXPECT_NEAR(left.left, 1, 1e-12);
  EXPECT_NEAR(left.right, 0, 1e-12);
  const auto right = equal_power_gains(1);
  EXPECT_NEAR(right.left, 0, 1e-12);
  EXPECT_NEAR(right.right, 1, 1e-12);
  const auto half_left = equal_power_gains(-0.5);  // cos(pi/8), sin(pi/8)
  EXPECT_NEAR(half_left.left, 0.9238795325, 1e-9);
  EXPECT_NEAR(half_left.right, 0.3826834324, 1e-9);
  // Equal power everywhere.
  for (double p = -1; p <= 1; p += 0.125) {
    const auto g = equal_power_gains(p);
    EXPECT_NEAR(g.left * g.left + g.right * g.right, 1, 1e-12);
  }
}

TEST(SpatialGains, DistanceGainTimesPan) {
  core::ChannelProperties channel;  // linear, ref 10, max 60, roll-off 2: the module's defaults
  ListenerPose pose{kHere, core::Quaternion{0, 0, 0, 1}};
  // 20 m to the north (left): 0.6, all in the left ear.
  auto g = spatial_gains(channel, true, pose, Vec3{128, 148, 22});
  EXPECT_NEAR(g.left, 0.6, 1e-12);
  EXPECT_NEAR(g.right, 0, 1e-12);
  // 30 m ahead: 0.2, centred.
  g = spatial_gains(channel, true, pose, Vec3{158, 128, 22});
  EXPECT_NEAR(g.left, 0.2 * std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(g.right, 0.2 * std::sqrt(0.5), 1e-12);
  // The distance is 3-D, as in the browser path: 12 m up and 16 m north is 20 m.
  g = spatial_gains(channel, true, pose, Vec3{128, 144, 34});
  EXPECT_NEAR(g.left, core::positional_gain(channel, 20), 1e-12);
  // Beyond where the linear model falls silent (35 m): nothing.
  g = spatial_gains(channel, true, pose, Vec3{128, 164, 22});
  EXPECT_EQ(g, StereoGains{});
}

TEST(SpatialGains, CentredAndFullWhereNothingIsSpatial) {
  core::ChannelProperties channel;
  ListenerPose pose{kHere, core::Quaternion{0, 0, 0, 1}};
  const auto centre = equal_power_gains(0);
  // A multiagent room: positions play no part.
  EXPECT_EQ(spatial_gains(channel, false, pose, Vec3{128, 150, 22}), centre);
  // A non-positional channel.
  channel.type = core::ChannelType::NonPositional;
  EXPECT_EQ(spatial_gains(channel, true, pose, Vec3{128, 150, 22}), centre);
  channel.type = core::ChannelType::Positional;
  // Positions not reported yet, on either side.
  EXPECT_EQ(spatial_gains(channel, true, pose, std::nullopt), centre);
  EXPECT_EQ(spatial_gains(channel, true, ListenerPose{}, Vec3{128, 150, 22}), centre);
  // On the listener's own spot: full, centred.
  EXPECT_EQ(spatial_gains(channel, true, pose, kHere), centre);
  // A listener without a rotation: attenuated, centred.
  const auto g =
      spatial_gains(channel, true, ListenerPose{kHere, std::nullopt}, Vec3{128, 148, 22});
  EXPECT_NEAR(g.left, 0.6 * std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(g.right, 0.6 * std::sqrt(0.5), 1e-12);
}

}  // namespace
}  // namespace webvox::mixer
