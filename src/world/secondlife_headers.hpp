#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace webvox::world {

// The region name in an X-SecondLife-Region header, which simulators write as
// "{RegionName} ({x}, {y})" with the region's world corner in metres (OpenSim's
// LSL_Api.llHTTPRequest; Second Life does the same). Nothing if the text has another shape.
std::optional<std::string> region_name_of(std::string_view header);

}  // namespace webvox::world
