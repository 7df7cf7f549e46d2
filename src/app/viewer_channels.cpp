#include "app/viewer_channels.hpp"

#include <spdlog/spdlog.h>

#include "core/channel_uri.hpp"
#include "base/log_text.hpp"

namespace webvox::app {

std::string bridged_channel_name(const viewer::RoomKey& room) {
  if (!room.spatial || !room.region_id) return {};
  if (!room.parcel_local_id) return *room.region_id;
  return *room.region_id + "/parcel/" + std::to_string(*room.parcel_local_id);
}

namespace {

std::optional<core::Channel> channel_named(core::ChannelService& channels,
                                           const std::string& name) {
  for (auto& found : channels.search({name, std::nullopt, 0, 10})) {
    if (!found.is_directory()) return std::move(found);
  }
  return std::nullopt;
}

}  // namespace

std::optional<core::Channel> region_channel(core::ChannelService& channels,
                                            const std::string& region_id) {
  viewer::RoomKey estate;
  estate.region_id = region_id;
  return channel_named(channels, bridged_channel_name(estate));
}

ViewerService::RoomSetup viewer_room_setup(core::ChannelService& channels, const std::string& realm,
                                           const viewer::RoomKey& room) {
  ViewerService::RoomSetup setup;
  const auto name = bridged_channel_name(room);
  if (name.empty()) {
    if (!room.spatial) setup.properties.type = core::ChannelType::NonPositional;
    return setup;
  }
  auto channel = channel_named(channels, name);
  if (!channel) {
    core::CreateChannelRequest request;
    request.name = name;
    request.description = room.id;
    request.properties.type = "positional";
    const auto outcome = channels.create(request);
    if (!outcome.result) {
      spdlog::warn("viewer voice: cannot make the channel for room {}: not bridged to browsers",
                   base::log_text(room.id));
      return setup;
    }
    channel = outcome.result->channel;
  }
  setup.properties = channel->properties;
  setup.channel = channel->id;
  setup.channel_uri = core::channel_uri(channel->id, realm);
  return setup;
}

}  // namespace webvox::app
