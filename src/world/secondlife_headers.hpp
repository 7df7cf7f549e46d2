#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "world/region_directory.hpp"

namespace webvox::world {

// The region name in an X-SecondLife-Region header, which simulators write as
// "{RegionName} ({x}, {y})" with the region's world corner in metres (OpenSim's
// LSL_Api.llHTTPRequest; Second Life does the same). Nothing if the text has another shape.
std::optional<std::string> region_name_of(std::string_view header);
// The corner in that header, grid-global metres; nothing if the text has another shape.
std::optional<RegionCorner> region_corner_of(std::string_view header);

// An X-SecondLife-Local-Position header, "(x, y, z)" in region-local metres (OpenSim writes
// six decimals). Nothing for another shape or numbers that are not finite.
struct LocalPosition {
  double x = 0, y = 0, z = 0;
};
std::optional<LocalPosition> local_position_of(std::string_view header);

}  // namespace webvox::world
