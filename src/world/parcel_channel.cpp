#include "world/parcel_channel.hpp"

namespace webvox::world {
namespace {

// The most channels looked through for a region channel by its description: far more than a
// grid's regions and parcels, and a bound on the work one request can cause.
constexpr std::size_t kMaxChannelsScanned = 200000;
constexpr std::size_t kPage = 2000;

std::optional<core::Channel> channel_named(core::ChannelService& channels,
                                           const std::string& name) {
  core::ChannelQuery query;
  query.name = name;
  query.limit = 16;
  // Simulators up to 0.9.1.x put channels under a directory; either way the name is unique
  // among non-directory channels, as the module searches for it by name alone.
  for (auto& channel : channels.search(query)) {
    if (!channel.is_directory()) return std::move(channel);
  }
  return std::nullopt;
}

std::optional<core::Channel> region_channel_described(core::ChannelService& channels,
                                                      const std::string& region_name,
                                                      const std::string& parcel_id) {
  const auto description = region_name + ":" + region_name;
  std::optional<core::Channel> newest;
  core::ChannelQuery query;
  query.limit = kPage;
  for (query.offset = 0; query.offset < kMaxChannelsScanned; query.offset += kPage) {
    auto page = channels.search(query);
    for (auto& channel : page) {
      // This parcel's own channel (left from before it used the estate channel) is not the
      // region's, even when the parcel is named like its region. Another such parcel of the
      // region would be taken for it: the HUD's REGION_ID setting makes the lookup exact.
      if (!channel.is_directory() && channel.description == description &&
          channel.name != parcel_id) {
        newest = std::move(channel);  // ordered by id: a renamed region's latest wins
      }
    }
    if (page.size() < kPage) break;
  }
  return newest;
}

}  // namespace

std::optional<core::Channel> find_parcel_channel(core::ChannelService& channels,
                                                 const ParcelLocation& location) {
  if (!location.estate_voice) return channel_named(channels, location.parcel_id);
  if (location.region_id) return channel_named(channels, *location.region_id);
  if (location.region_name && !location.region_name->empty()) {
    return region_channel_described(channels, *location.region_name, location.parcel_id);
  }
  return std::nullopt;
}

}  // namespace webvox::world
