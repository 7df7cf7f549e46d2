#pragma once

#include <optional>
#include <string>
#include <variant>

namespace webvox::core {

// Where a member stands in its channel's region: region-local metres (x east, y north, z up,
// as OpenSim uses them) and the way it faces, in radians counter-clockwise from east.
struct Position {
  double x = 0;
  double y = 0;
  double z = 0;
  double yaw = 0;

  friend bool operator==(const Position&, const Position&) = default;
};

// The bounds a reported position must be within (docs/signalling.md): the largest OpenSim
// region is 8192 m on a side; heights cover deep water to high skyboxes.
struct PositionBounds {
  static constexpr double kMinXY = 0;
  static constexpr double kMaxXY = 8192;
  static constexpr double kMinZ = -1000;
  static constexpr double kMaxZ = 10000;
};

// A heading as LSL gives it: rotation <x, y, z, s>.
struct Quaternion {
  double x = 0;
  double y = 0;
  double z = 0;
  double s = 1;
};

struct PositionError {
  std::string message;
};

// Checks a reported position (finite, in bounds) and brings the yaw into (-pi, pi].
std::variant<Position, PositionError> validate_position(double x, double y, double z, double yaw);

// The yaw (rotation about the up axis) of a heading; an error for a zero or non-finite
// quaternion. A quaternion need not be normalised (LSL's often are only approximately).
std::variant<double, PositionError> yaw_of(const Quaternion& rotation);

double distance(const Position& a, const Position& b);

}  // namespace webvox::core
