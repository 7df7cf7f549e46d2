// Channels and directories (spec §5.6–§5.10).
#include <spdlog/spdlog.h>

#include "core/channel_uri.hpp"
#include "base/log_text.hpp"
#include "vivox/number_parsing.hpp"
#include "vivox/vivox_api.hpp"
#include "vivox/vivox_response.hpp"

namespace webvox::vivox {
namespace {

// The channel properties follow chan_desc, which carries the parcel name raw: a name like
// "x&chan_type=dir" adds a key before the genuine one, so the last occurrence counts.
std::optional<std::string> property_text(const base::Parameters& parameters, std::string_view key) {
  const auto value = parameters.get_last(key);
  if (!value) return std::nullopt;
  return std::string(*value);
}

std::optional<double> property_number(const base::Parameters& parameters, std::string_view key) {
  const auto value = parameters.get_last(key);
  if (!value) return std::nullopt;
  return parse_decimal(*value);
}

// An optional id parameter: absent or empty is "none"; present but malformed is an error.
struct OptionalId {
  std::optional<core::ChannelId> id;
  bool malformed = false;
};
OptionalId optional_id(const base::Parameters& parameters, std::string_view key) {
  const auto value = parameters.get(key);
  if (!value || value->empty()) return {};
  const auto id = parse_id(*value);
  return {id, !id.has_value()};
}

std::string invalid(std::string_view key) {
  return error_response(ErrorCode::InvalidParameter, "Invalid parameter: " + std::string(key));
}

}  // namespace

std::string VivoxApi::modify_channel(const VivoxRequest& request) {
  const auto& parameters = request.parameters;
  const auto mode = require(parameters, "mode");
  if (mode.error) return *mode.error;
  if (mode.value == "create") return create_channel(request);
  if (mode.value == "delete") return delete_channel(request);
  return error_response(ErrorCode::InvalidParameter,
                        "Unsupported mode: " + std::string(mode.value));
}

std::string VivoxApi::create_channel(const VivoxRequest& call) {
  const auto& parameters = call.parameters;
  const auto name = require(parameters, "chan_name");
  if (name.error) return *name.error;
  const auto parent = optional_id(parameters, "chan_parent");
  if (parent.malformed) return invalid("chan_parent");

  core::CreateChannelRequest request;
  request.name = std::string(name.value);
  request.description = std::string(parameters.get("chan_desc").value_or(""));
  request.parent = parent.id;
  // Every parameter after chan_desc may be missing (a '#' in a parcel name cuts the query):
  // absent values take the module's defaults.
  request.properties.type = property_text(parameters, "chan_type");
  request.properties.mode = property_text(parameters, "chan_mode");
  request.properties.distance_model = property_number(parameters, "chan_dist_model");
  request.properties.roll_off = property_number(parameters, "chan_roll_off");
  request.properties.max_range = property_number(parameters, "chan_max_range");
  request.properties.clamping_distance = property_number(parameters, "chan_clamping_distance");

  const auto outcome = services_.channels.create(request);
  switch (outcome.error) {
    case core::ChannelError::None:
      break;
    case core::ChannelError::InvalidName:
      return invalid("chan_name");
    case core::ChannelError::ParentNotFound:
      return error_response(ErrorCode::NotFound, "Parent directory not found");
    default:
      return error_response(ErrorCode::Internal, "Internal server error");
  }
  for (const auto& adjustment : outcome.adjustments) {
    spdlog::warn("channel {}: {}", base::log_text(request.name), adjustment);
  }
  const auto& channel = outcome.result->channel;
  if (outcome.result->created) {
    spdlog::info("{} {} {} created", channel.is_directory() ? "directory" : "channel", channel.id,
                 base::log_text(channel.name));
  }
  const auto id = std::to_string(channel.id);
  if (channel.is_directory()) return ok_response({{"chan_id", id}});
  return ok_response({{"chan_id", id}, {"chan_uri", core::channel_uri(channel.id, realm_)}});
}

std::string VivoxApi::delete_channel(const VivoxRequest& request) {
  const auto& parameters = request.parameters;
  const auto raw_id = require(parameters, "chan_id");
  if (raw_id.error) return *raw_id.error;
  const auto id = parse_id(raw_id.value);
  if (!id) return invalid("chan_id");
  const auto parent = optional_id(parameters, "chan_parent");
  if (parent.malformed) return invalid("chan_parent");

  switch (services_.channels.remove(*id, parent.id)) {
    case core::ChannelError::None:
      spdlog::info("channel {} deleted", *id);
      return ok_response({{"code", "200"}});
    case core::ChannelError::DirectoryNotEmpty:
      return error_response(ErrorCode::Conflict, "Directory is not empty");
    default:
      return error_response(ErrorCode::NotFound, "Channel not found");
  }
}

std::string VivoxApi::search_channels(const VivoxRequest& request) {
  const auto& parameters = request.parameters;
  core::ChannelQuery query;
  if (const auto name = parameters.get("cond_channame"); name && !name->empty()) {
    query.name = std::string(*name);
  }
  const auto parent = optional_id(parameters, "cond_chanparent");
  if (parent.malformed) return invalid("cond_chanparent");
  query.parent = parent.id;
  // A search by name or parent answers every match: the module reads one listing and acts on
  // all of it (RemoveRegion deletes each child, then the directory). Only an unfiltered
  // listing is paged by default.
  if (query.name || query.parent) query.limit = core::ChannelService::kMaxPageSize;
  for (const auto& [key, target] :
       {std::pair{"page_offset", &query.offset}, std::pair{"page_size", &query.limit}}) {
    const auto text = parameters.get(key);
    if (!text || text->empty()) continue;
    const auto value = parse_count(*text);
    if (!value) return invalid(key);
    *target = *value;
  }
  return channel_search_response(services_.channels.search(query), realm_);
}

}  // namespace webvox::vivox
