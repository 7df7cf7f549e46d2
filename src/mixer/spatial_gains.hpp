// Where a speaker sounds for a listener: the browser's rules (web/positional.js) for viewers.
// Pure functions, in the room-wide frame the viewer's positions come in (SL global metres:
// x east, y north, z up).
#pragma once

#include <optional>

#include "core/channel_properties.hpp"
#include "core/position.hpp"

namespace webvox::mixer {

// Points are the domain's, here in the room-wide frame (SL global metres).
using core::Vec3;

// Where a listener's ears are and which way they face (the viewer's `lp` and `lh`). The
// rotation is LL's quaternion (x, y, z, w): the camera looks along its local +X, +Y is its
// left, +Z its up.
struct ListenerPose {
  std::optional<Vec3> position;
  std::optional<core::Quaternion> rotation;
};

struct StereoGains {
  double left = 0;
  double right = 0;

  friend bool operator==(const StereoGains&, const StereoGains&) = default;
};

// Metres between two points, in 3-D, as core::distance and web/positional.js measure it.
double distance(const Vec3& a, const Vec3& b);

// The speaker's direction seen from the listener: radians counter-clockwise from straight
// ahead (0 ahead, +pi/2 left, -pi/2 right), in (-pi, pi], in the horizontal plane. The facing
// comes from the rotation's left axis (which stays horizontal however far a camera pitches,
// so looking straight down still has a left and right); only when that axis is vertical (a
// camera rolled onto its side) from the forward axis. Nothing when the two stand on one spot
// (horizontally) or the rotation is zero or not finite.
std::optional<double> relative_bearing(const Vec3& listener, const core::Quaternion& rotation,
                                       const Vec3& speaker);

// web/positional.js stereoPan: -sin(bearing), -1 (left) … +1 (right); 0 without a bearing.
double stereo_pan(std::optional<double> bearing);

// StereoPannerNode's equal-power law for a mono source: gainL = cos((p+1)·pi/4),
// gainR = sin((p+1)·pi/4).
StereoGains equal_power_gains(double pan);

// Everything position decides: distance gain (core::positional_gain) times the pan. Non-spatial
// rooms and channels that are not positional: gain 1, centred. A position not reported yet (of
// either side): full gain, centred, as the browser path does. A listener without a rotation
// hears positionally but centred.
StereoGains spatial_gains(const core::ChannelProperties& channel, bool spatial_room,
                          const ListenerPose& listener, const std::optional<Vec3>& speaker);

}  // namespace webvox::mixer
