#pragma once

#include <optional>
#include <string>

#include "base/expected.hpp"

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

// A point in metres: x east, y north, z up. In a region's own frame (where a browser member
// stands) or in the grid's global frame (a viewer's avatar and ears, as SLData carries them).
struct Vec3 {
  double x = 0;
  double y = 0;
  double z = 0;

  friend bool operator==(const Vec3&, const Vec3&) = default;
};

// A rotation as a quaternion (x, y, z, w): LSL's rotation <x, y, z, s> and LL's (x, y, z, w)
// alike. An avatar or camera looks along its local +X axis, with +Y to its left and +Z up.
struct Quaternion {
  double x = 0;
  double y = 0;
  double z = 0;
  double w = 1;

  friend bool operator==(const Quaternion&, const Quaternion&) = default;
};

struct PositionError {
  std::string message;
};

// Checks a reported position (finite, in bounds) and brings the yaw into (-pi, pi].
base::Expected<Position, PositionError> validate_position(double x, double y, double z, double yaw);

// The yaw (rotation about the up axis) of a heading; an error for a zero or non-finite
// quaternion. A quaternion need not be normalised (LSL's often are only approximately).
base::Expected<double, PositionError> yaw_of(const Quaternion& rotation);

double distance(const Position& a, const Position& b);

}  // namespace webvox::core
