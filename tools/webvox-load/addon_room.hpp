// How os-webrtc-janus names what it creates in Janus (shared/spec/viewer-webrtc.md §3.4, §3.5
// and corrections 5 and 6), so the load reaches AudioBridge exactly as the simulator's
// viewers do: the room number of a region's (or parcel's) spatial voice, the room's
// description, and a participant's id. tests/viewer-emulator/simulator.py is the reference
// these are checked against. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace webvox::load {

// JanusAudioBridge.REGION_ROOM_ID: the estate (whole-region) room.
inline constexpr std::int32_t kEstateParcel = -999;

// |djb2(region UUID text, "local", parcel as a 4-byte float)| folded to a C# int; none where
// the addon itself fails (Math.Abs(int.MinValue) throws).
std::optional<std::int64_t> local_room_number(const std::string& region_id,
                                              std::int32_t parcel = kEstateParcel);
// "{region}/local/{parcel}", the [OS] description.
std::string local_room_description(const std::string& region_id,
                                   std::int32_t parcel = kEstateParcel);
// [OS] join id: abs((long)(ulonga ^ ulongb)) over .NET's Guid memory layout; none for a
// malformed UUID.
std::optional<std::uint64_t> participant_id(const std::string& agent_id);

}  // namespace webvox::load
