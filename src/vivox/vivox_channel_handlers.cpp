// Channels and directories (spec §5.6–§5.10).
#include <spdlog/spdlog.h>

#include "core/channel_uri.hpp"
#include "vivox/number_parsing.hpp"
#include "vivox/vivox_api.hpp"
#include "vivox/vivox_response.hpp"

namespace webvox::vivox {
namespace {

std::optional<std::string> optional_text(const Parameters& parameters, std::string_view key) {
  const auto value = parameters.get(key);
  if (!value) return std::nullopt;
  return std::string(*value);
}

std::optional<double> optional_number(const Parameters& parameters, std::string_view key) {
  const auto value = parameters.get(key);
  if (!value) return std::nullopt;
  return parse_decimal(*value);
}

// An optional id parameter: absent or empty is "none"; present but malformed is an error.
struct OptionalId {
  std::optional<core::ChannelId> id;
  bool malformed = false;
};
OptionalId optional_id(const Parameters& parameters, std::string_view key) {
  const auto value = parameters.get(key);
  if (!value || value->empty()) return {};
  const auto id = parse_id(*value);
  return {id, !id.has_value()};
}

std::string invalid(std::string_view key) {
  return error_response(ErrorCode::InvalidParameter, "Invalid parameter: " + std::string(key));
}

}  // namespace

std::string VivoxApi::modify_channel(const Parameters& parameters) {
  const auto mode = require(parameters, "mode");
  if (mode.error) return *mode.error;
  if (mode.value == "create") return create_channel(parameters);
  if (mode.value == "delete") return delete_channel(parameters);
  return error_response(ErrorCode::InvalidParameter,
                        "Unsupported mode: " + std::string(mode.value));
}

std::string VivoxApi::create_channel(const Parameters& parameters) {
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
  request.properties.type = optional_text(parameters, "chan_type");
  request.properties.mode = optional_text(parameters, "chan_mode");
  request.properties.distance_model = optional_number(parameters, "chan_dist_model");
  request.properties.roll_off = optional_number(parameters, "chan_roll_off");
  request.properties.max_range = optional_number(parameters, "chan_max_range");
  request.properties.clamping_distance = optional_number(parameters, "chan_clamping_distance");

  const auto outcome = services_.channels.create(request);
  switch (outcome.error) {
    case core::ChannelError::None: break;
    case core::ChannelError::InvalidName: return invalid("chan_name");
    case core::ChannelError::ParentNotFound:
      return error_response(ErrorCode::NotFound, "Parent directory not found");
    default: return error_response(ErrorCode::Internal, "Internal server error");
  }
  for (const auto& adjustment : outcome.adjustments) {
    spdlog::warn("channel '{}': {}", request.name, adjustment);
  }
  const auto& channel = outcome.result->channel;
  if (outcome.result->created) {
    spdlog::info("{} {} '{}' created", channel.is_directory() ? "directory" : "channel", channel.id,
                 channel.name);
  }
  const auto id = std::to_string(channel.id);
  if (channel.is_directory()) return ok_response({{"chan_id", id}});
  return ok_response({{"chan_id", id}, {"chan_uri", core::channel_uri(channel.id, realm_)}});
}

std::string VivoxApi::delete_channel(const Parameters& parameters) {
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

std::string VivoxApi::search_channels(const Parameters& parameters) {
  core::ChannelQuery query;
  if (const auto name = parameters.get("cond_channame"); name && !name->empty()) {
    query.name = std::string(*name);
  }
  const auto parent = optional_id(parameters, "cond_chanparent");
  if (parent.malformed) return invalid("cond_chanparent");
  query.parent = parent.id;
  if (const auto offset = parameters.get("page_offset"); offset && !offset->empty()) {
    const auto value = parse_count(*offset);
    if (!value) return invalid("page_offset");
    query.offset = *value;
  }
  if (const auto size = parameters.get("page_size"); size && !size->empty()) {
    const auto value = parse_count(*size);
    if (!value) return invalid("page_size");
    query.limit = *value;
  }
  return channel_search_response(services_.channels.search(query), realm_);
}

}  // namespace webvox::vivox
