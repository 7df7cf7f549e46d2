#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/channel.hpp"

namespace webvox::core {

// Channel URIs mirror Vivox: sip:confctl-{id}@{realm}. Viewers treat "confctl-" URIs as
// conference channels; the browser client joins a channel by this URI.
std::string channel_uri(ChannelId id, std::string_view realm);
// The channel id in a URI of this realm, or nothing if it is not one of ours.
std::optional<ChannelId> parse_channel_uri(std::string_view uri, std::string_view realm);

}  // namespace webvox::core
