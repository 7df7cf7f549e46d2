// Which viewer voice room a Janus AudioBridge room number stands for. os-webrtc-janus hashes
// its rooms into opaque numbers but writes what they are into the room's description
// (spec §3.5):
//   [OS] "{region}/local/{parcel}"            [MB] "{region}/local/{parcel}/{channel}"
//   [OS] "{gridhash}/multiagent/{channel}"    [MB] "{region}/multiagent/{parcel}/{channel}"
// (parcel is os-webrtc-janus's REGION_ROOM_ID, -999, for the estate room). Anything else is a
// room only Janus names: "janus/<room number>", spatial as the room was created.
#pragma once

#include <cstdint>
#include <string_view>

#include "viewer/room_key.hpp"

namespace webvox::viewer {

RoomKey janus_room_key(std::uint64_t room_number, std::string_view description, bool spatial_audio);

}  // namespace webvox::viewer
