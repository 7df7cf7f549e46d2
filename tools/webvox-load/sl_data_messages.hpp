// What a load viewer says on SLData (shared/spec/viewer-webrtc.md §4.1): its primary join,
// and where its avatar and ears are — global centimetres, quaternions × 100, as the viewer
// truncates them to ints. Pure: values in, JSON text out.
#pragma once

#include <string>

namespace webvox::load {

struct ViewerPose {
  double x = 0, y = 0, z = 0;  // global metres (region origin + position in the region)
  double yaw = 0;              // radians, counter-clockwise from east (+X)
};

// {"j":{"p":true}}: joined, and this region is the agent's primary.
std::string primary_join_message();
// {"sp":…,"sh":…,"lp":…,"lh":…}: the avatar and the ears at the same place, facing `yaw`.
std::string pose_message(const ViewerPose& pose);

}  // namespace webvox::load
