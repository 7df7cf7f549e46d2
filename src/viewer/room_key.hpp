// Which voice room a viewer connection belongs to (shared/spec/viewer-webrtc.md §3.5, §6.2).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace webvox::viewer {

// Spatial ("local") rooms are a region's estate voice or one parcel's voice; group rooms
// ("multiagent": group, ad-hoc and P2P calls) are named by the channel the viewer was handed.
// Rooms are told apart by `id` alone, a canonical text that both front doors produce:
//   local:      "<region uuid>/local/<parcel local id, or -999 for the estate room>"
//               (the description os-webrtc-janus gives the Janus room)
//   multiagent: "<grid hash or empty>/multiagent/<channel>"
//   otherwise:  "janus/<room number>" — a Janus room whose description says nothing more.
struct RoomKey {
  std::string id;
  bool spatial = true;
  // Local rooms whose region is known: what ties them to the browser world (docs/viewers.md).
  std::optional<std::string> region_id;         // lower-case hyphenated UUID
  std::optional<std::int32_t> parcel_local_id;  // none: the estate (region) room

  friend bool operator==(const RoomKey& a, const RoomKey& b) { return a.id == b.id; }
  friend auto operator<=>(const RoomKey& a, const RoomKey& b) { return a.id <=> b.id; }
};

// The estate room's parcel number in os-webrtc-janus (REGION_ROOM_ID).
inline constexpr std::int32_t kEstateRoomParcel = -999;

}  // namespace webvox::viewer
