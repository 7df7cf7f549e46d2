// The 50 m listener tether (shared/spec/viewer-webrtc.md §4.1 `lp`). The viewer puts its ear
// at the camera but keeps it within MAX_AUDIO_DIST of the avatar, and says "This will also be
// enforced on the voice server": a modified viewer must not eavesdrop by flying its camera.
#pragma once

#include "core/position.hpp"

namespace webvox::viewer {

// The viewer's MAX_AUDIO_DIST (llvoicewebrtc.cpp), in metres.
inline constexpr double kMaxListenerDistance = 50.0;

// The listener position moved toward the avatar until it is at most `max_distance` from it,
// along the line between them (what the viewer's enforceTether does). A listener position
// that is not finite, or too far out to measure, is replaced by the avatar's.
core::Vec3 tether_listener(const core::Vec3& listener, const core::Vec3& avatar,
                           double max_distance = kMaxListenerDistance);

}  // namespace webvox::viewer
