#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "core/position.hpp"

using namespace webvox::core;

namespace {
constexpr double kPi = std::numbers::pi;
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

bool accepted(double x, double y, double z, double yaw = 0) {
  return validate_position(x, y, z, yaw).has_value();
}
}  // namespace

TEST(Position, AcceptsRegionCoordinates) {
  EXPECT_TRUE(accepted(0, 0, 0));
  EXPECT_TRUE(accepted(128.5, 64, 22.1, 1.5));
  EXPECT_TRUE(accepted(8192, 8192, 10000));
  EXPECT_TRUE(accepted(10, 10, -1000));
}

TEST(Position, RejectsNonFiniteAndAbsurdValues) {
  for (double bad : {kNaN, kInf, -kInf}) {
    EXPECT_FALSE(accepted(bad, 1, 1));
    EXPECT_FALSE(accepted(1, bad, 1));
    EXPECT_FALSE(accepted(1, 1, bad));
    EXPECT_FALSE(accepted(1, 1, 1, bad));
  }
  EXPECT_FALSE(accepted(-0.5, 1, 1));
  EXPECT_FALSE(accepted(1, 8192.5, 1));
  EXPECT_FALSE(accepted(1, 1, 10001));
  EXPECT_FALSE(accepted(1, 1, 1, 1e300));
  EXPECT_FALSE(accepted(1e308, 1, 1));
}

TEST(Position, YawIsWrappedIntoOneTurn) {
  const auto wrapped = [](double yaw) { return validate_position(1, 1, 1, yaw).value().yaw; };
  EXPECT_NEAR(wrapped(2 * kPi + 0.5), 0.5, 1e-12);
  EXPECT_NEAR(wrapped(-0.5), -0.5, 1e-12);
  EXPECT_NEAR(wrapped(3 * kPi), kPi, 1e-9);
  EXPECT_NEAR(wrapped(-kPi), kPi, 1e-9);  // (-pi, pi]: one name for facing west
}

TEST(Position, YawOfLslRotations) {
  const auto yaw = [](Quaternion q) { return yaw_of(q).value(); };
  EXPECT_NEAR(yaw({0, 0, 0, 1}), 0, 1e-12);  // ZERO_ROTATION: east
  EXPECT_NEAR(yaw({0, 0, std::sin(kPi / 4), std::cos(kPi / 4)}), kPi / 2, 1e-12);  // north
  EXPECT_NEAR(yaw({0, 0, 1, 0}), kPi, 1e-12);                                      // west
  EXPECT_NEAR(yaw({0, 0, 2 * std::sin(kPi / 8), 2 * std::cos(kPi / 8)}), kPi / 4,
              1e-12);  // unnormalised
  EXPECT_FALSE(yaw_of({0, 0, 0, 0}).has_value());
  EXPECT_FALSE(yaw_of({kNaN, 0, 0, 1}).has_value());
}

TEST(Position, DistanceIsThreeDimensional) {
  EXPECT_DOUBLE_EQ(distance({0, 0, 0, 0}, {3, 4, 12, 1}), 13);
}
