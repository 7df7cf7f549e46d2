#include "viewer/listener_tether.hpp"

#include <cmath>

namespace webvox::viewer {

core::Vec3 tether_listener(const core::Vec3& listener, const core::Vec3& avatar,
                           double max_distance) {
  const double dx = listener.x - avatar.x;
  const double dy = listener.y - avatar.y;
  const double dz = listener.z - avatar.z;
  const double distance = std::sqrt(dx * dx + dy * dy + dz * dz);
  if (!std::isfinite(distance)) return avatar;
  if (distance <= max_distance) return listener;
  const double scale = max_distance / distance;
  return {avatar.x + dx * scale, avatar.y + dy * scale, avatar.z + dz * scale};
}

}  // namespace webvox::viewer
