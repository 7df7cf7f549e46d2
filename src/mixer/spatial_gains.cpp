#include "mixer/spatial_gains.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/positional_gain.hpp"

namespace webvox::mixer {
namespace {

constexpr double kCoincident = 1e-6;  // metres; web/positional.js relativeBearing's threshold

}  // namespace

double distance(const Vec3& a, const Vec3& b) {
  return std::hypot(a.x - b.x, a.y - b.y, a.z - b.z);
}

std::optional<double> relative_bearing(const Vec3& listener, const core::Quaternion& q,
                                       const Vec3& speaker) {
  const double dx = speaker.x - listener.x;
  const double dy = speaker.y - listener.y;
  if (!(std::hypot(dx, dy) >= kCoincident)) return std::nullopt;  // also NaN
  const double norm = q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w;
  if (!std::isfinite(norm) || norm < 1e-12) return std::nullopt;
  // The rotated axes of a quaternion that need not be unit: v' = v + s(w q×v + q×(q×v)), s=2/|q|².
  const double s = 2 / norm;
  // Local +Y (left) and +X (forward), horizontal parts only.
  double left_x = s * (q.x * q.y - q.w * q.z);
  double left_y = 1 - s * (q.x * q.x + q.z * q.z);
  double length = std::hypot(left_x, left_y);
  if (length < 1e-6) {
    // Rolled onto its side: the forward axis, turned a quarter left, gives the left.
    const double forward_x = 1 - s * (q.y * q.y + q.z * q.z);
    const double forward_y = s * (q.x * q.y + q.w * q.z);
    left_x = -forward_y;
    left_y = forward_x;
    length = std::hypot(left_x, left_y);
    if (length < 1e-6) return std::nullopt;
  }
  left_x /= length;
  left_y /= length;
  // Forward is the left axis turned a quarter right.
  const double ahead = dx * left_y - dy * left_x;
  const double leftward = dx * left_x + dy * left_y;
  const double bearing = std::atan2(leftward, ahead);  // [-pi, pi]
  return bearing <= -std::numbers::pi ? std::numbers::pi : bearing;
}

double stereo_pan(std::optional<double> bearing) {
  if (!bearing) return 0;
  const double pan = std::clamp(-std::sin(*bearing), -1.0, 1.0);
  return pan == 0 ? 0.0 : pan;  // no -0
}

StereoGains equal_power_gains(double pan) {
  const double angle = (std::clamp(pan, -1.0, 1.0) + 1) * std::numbers::pi / 4;
  return {std::cos(angle), std::sin(angle)};
}

StereoGains spatial_gains(const core::ChannelProperties& channel, bool spatial_room,
                          const ListenerPose& listener, const std::optional<Vec3>& speaker) {
  const bool positional = spatial_room && channel.type == core::ChannelType::Positional;
  if (!positional || !listener.position || !speaker) return equal_power_gains(0);
  const double gain = core::positional_gain(channel, distance(*listener.position, *speaker));
  if (gain <= 0) return {};
  const auto bearing = listener.rotation
                           ? relative_bearing(*listener.position, *listener.rotation, *speaker)
                           : std::nullopt;
  const auto pan = equal_power_gains(stereo_pan(bearing));
  return {gain * pan.left, gain * pan.right};
}

}  // namespace webvox::mixer
