#pragma once

#include <optional>
#include <string>

#include "core/channel.hpp"
#include "core/channel_service.hpp"

namespace webvox::world {

// Where a wearer stands, as far as voice channels go.
struct ParcelLocation {
  std::string parcel_id;                   // the parcel's GlobalID, lower-case hyphenated
  bool estate_voice = false;               // the parcel has PARCEL_FLAG_USE_ESTATE_VOICE_CHAN
  std::optional<std::string> region_id;    // lower-case hyphenated, if known
  std::optional<std::string> region_name;  // from X-SecondLife-Region, if known
};

// The channel VivoxVoiceModule made for that parcel (spec §7): named by the parcel's GlobalID,
// or, on a parcel using the estate voice channel, by the RegionID with the description
// "{RegionName}:{RegionName}". LSL has no call that tells a script its region's UUID, so
// without region_id the region channel is found by that description. Nothing if the module
// has not made the channel (it does so when a viewer with voice asks for the parcel's voice
// info) or the location names none.
std::optional<core::Channel> find_parcel_channel(core::ChannelService& channels,
                                                 const ParcelLocation& location);

}  // namespace webvox::world
