#include "viewer/janus_room_key.hpp"

#include <optional>
#include <string>
#include <vector>

#include "base/uuid.hpp"

namespace webvox::viewer {

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// A C# int as Int32.ToString() writes it: optional '-', digits without leading zeros.
std::optional<std::int32_t> parse_int32(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.size() > 10) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (negative) value = -value;
  if (value < INT32_MIN || value > INT32_MAX) return std::nullopt;
  if (negative && value == 0) return std::nullopt;
  return static_cast<std::int32_t>(value);
}

RoomKey janus_only(std::uint64_t room_number, bool spatial_audio) {
  RoomKey key;
  key.id = "janus/" + std::to_string(room_number);
  key.spatial = spatial_audio;
  return key;
}

}  // namespace

RoomKey janus_room_key(std::uint64_t room_number, std::string_view description,
                       bool spatial_audio) {
  const auto parts = split(description, '/');
  if (parts.size() < 3) return janus_only(room_number, spatial_audio);

  if (parts[1] == "local" && (parts.size() == 3 || parts.size() == 4)) {
    const auto region = base::parse_uuid(parts[0]);
    const auto parcel = parse_int32(parts[2]);
    if (!region || !parcel) return janus_only(room_number, spatial_audio);
    RoomKey key;
    key.region_id = base::format_uuid(*region);
    key.id = *key.region_id + "/local/" + std::to_string(*parcel);
    key.spatial = true;
    if (*parcel != kEstateRoomParcel) key.parcel_local_id = *parcel;
    return key;
  }

  if (parts[1] == "multiagent") {
    RoomKey key;
    key.spatial = false;
    // [MB] puts the creating region and a parcel before the channel; the room number (hence
    // the room) is the same from every region, so only the channel names it.
    const bool misterblue_form = parts.size() >= 4 && base::parse_uuid(parts[0]).has_value() &&
                                 parse_int32(parts[2]).has_value();
    if (misterblue_form) {
      const auto channel_start = parts[0].size() + parts[1].size() + parts[2].size() + 3;
      key.id = "/multiagent/" + std::string(description.substr(channel_start));
    } else {
      // The grid hash and the channel as [OS] writes them; the channel may itself hold '/'.
      key.id = std::string(description);
    }
    return key;
  }
  return janus_only(room_number, spatial_audio);
}

}  // namespace webvox::viewer
