#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace webvox::base {

// A UUID's 16 bytes in the order its text shows them (RFC 4122 network order), which is
// also the order OpenMetaverse's UUID.GetBytes() returns.
using Uuid = std::array<unsigned char, 16>;

// "8-4-4-4-12" hexadecimal digits, either case, nothing around them (as LSL's (string)key and
// OpenSim's UUID.ToString() write it). Nothing for any other text.
std::optional<Uuid> parse_uuid(std::string_view text);

// Lower-case "8-4-4-4-12": how OpenSim names parcel and region channels.
std::string format_uuid(const Uuid& uuid);

bool is_nil(const Uuid& uuid);

}  // namespace webvox::base
