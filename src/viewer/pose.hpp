// Where a viewer's avatar and ears are, as SLData carries them (shared/spec/viewer-webrtc.md
// §4.1): SL global coordinates in metres and unit quaternions in LL order.
#pragma once

namespace webvox::viewer {

// A point in the grid's global frame, metres: x east, y north, z up. The viewer sends
// centimetres; every region of a room shares this one frame.
struct GlobalPosition {
  double x = 0;
  double y = 0;
  double z = 0;

  friend bool operator==(const GlobalPosition&, const GlobalPosition&) = default;
};

// A rotation as a unit quaternion (x, y, z, w). An LL avatar or camera looks along its local
// +X axis, with +Y to its left and +Z up.
struct Orientation {
  double x = 0;
  double y = 0;
  double z = 0;
  double w = 1;

  friend bool operator==(const Orientation&, const Orientation&) = default;
};

}  // namespace webvox::viewer
