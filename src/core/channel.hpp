#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/channel_properties.hpp"

namespace webvox::core {

using ChannelId = std::int64_t;

// A voice channel (one per parcel or region) or a directory grouping a region's channels
// (only simulators up to 0.9.1.x create directories).
struct Channel {
  ChannelId id = 0;
  std::string name;         // parcel GlobalID, RegionID, or "{RegionID}D" for a directory
  std::string description;  // "Region:Parcel"
  std::optional<ChannelId> parent;
  ChannelProperties properties;

  bool is_directory() const { return properties.type == ChannelType::Directory; }
};

// What a create request asks for; the repository assigns the id.
struct NewChannel {
  std::string name;
  std::string description;
  std::optional<ChannelId> parent;
  ChannelProperties properties;
};

}  // namespace webvox::core
