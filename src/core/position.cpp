#include "core/position.hpp"

#include <cmath>
#include <numbers>

namespace webvox::core {
namespace {

bool within(double value, double low, double high) {
  return std::isfinite(value) && value >= low && value <= high;
}

double wrap_angle(double radians) {
  const double wrapped = std::remainder(radians, 2 * std::numbers::pi);  // [-pi, pi]
  return wrapped <= -std::numbers::pi ? wrapped + 2 * std::numbers::pi : wrapped;
}

}  // namespace

base::Expected<Position, PositionError> validate_position(double x, double y, double z,
                                                          double yaw) {
  using B = PositionBounds;
  if (!within(x, B::kMinXY, B::kMaxXY) || !within(y, B::kMinXY, B::kMaxXY)) {
    return base::unexpected(PositionError{"x and y must be finite numbers within 0…8192"});
  }
  if (!within(z, B::kMinZ, B::kMaxZ)) {
    return base::unexpected(PositionError{"z must be a finite number within -1000…10000"});
  }
  // A yaw of 1e300 is finite but meaningless: the remainder would be noise.
  if (!within(yaw, -1e6, 1e6))
    return base::unexpected(PositionError{"yaw must be a finite angle in radians"});
  return Position{x, y, z, wrap_angle(yaw)};
}

base::Expected<double, PositionError> yaw_of(const Quaternion& q) {
  const double norm = q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w;
  if (!std::isfinite(norm) || norm < 1e-12) {
    return base::unexpected(
        PositionError{"rotation must be a non-zero quaternion of finite numbers"});
  }
  // Heading of the rotated x axis, projected on the horizontal plane (the z Euler angle of
  // a Z-Y-X decomposition, as llRot2Euler gives it for upright avatars).
  return std::atan2(2 * (q.w * q.z + q.x * q.y), q.w * q.w + q.x * q.x - q.y * q.y - q.z * q.z);
}

double distance(const Position& a, const Position& b) {
  return std::hypot(a.x - b.x, a.y - b.y, a.z - b.z);
}

}  // namespace webvox::core
