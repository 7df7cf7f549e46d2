#pragma once

#include <string>

#include "app/viewer_service.hpp"
#include "core/channel_service.hpp"
#include "viewer/room_key.hpp"

namespace webvox::app {

// The webvox channel a viewer voice room is bridged to (docs/viewers.md, "One world"): a
// region's estate room to the channel named by the region's UUID (the name VivoxVoiceModule
// gives a region's channel, so one the module made earlier is reused with its properties), a
// parcel room to "<region>/parcel/<local id>". Made positional with the module's defaults
// when missing. Group (multiagent) rooms and rooms whose region is unknown are not bridged:
// their setup has the defaults and no channel.
ViewerService::RoomSetup viewer_room_setup(core::ChannelService& channels, const std::string& realm,
                                           const viewer::RoomKey& room);

// The channel name that room is bridged to; empty when it is not bridged.
std::string bridged_channel_name(const viewer::RoomKey& room);

// The channel a region's estate voice room is bridged to, if a viewer made it.
std::optional<core::Channel> region_channel(core::ChannelService& channels,
                                            const std::string& region_id);

}  // namespace webvox::app
