#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.hpp"
#include "core/position.hpp"

// The bodies an in-world HUD posts to /world/... (docs/world.md), parsed from bytes with no
// I/O so they can be unit-tested and fuzzed. Bodies are application/x-www-form-urlencoded,
// which LSL writes easily with llEscapeURL, whatever Content-Type the simulator labels them
// with (OpenSim's default is text/plain;charset=utf-8).
namespace webvox::world {

struct WorldRequestLimits {
  static constexpr std::size_t kMaxBodyBytes = 4096;
  static constexpr std::size_t kMaxSecretBytes = 256;
};

// Why a request was refused, in one line fit for an LSL llOwnerSay.
struct BadWorldRequest {
  std::string reason;
};

// POST /world/position: where the wearer stands and faces, region-local.
//   secret=S&pos=<x, y, z>&rot=<x, y, z, s>     (LSL's (string)vector / (string)rotation)
//   secret=S&pos=<x, y, z>&yaw=1.5708           (radians counter-clockwise from east)
struct PositionReport {
  core::Position position;  // checked by core::validate_position
};

// POST /world/link: a join link for the parcel the wearer stands on.
//   secret=S&parcel=<PARCEL_DETAILS_ID>&estate_voice=0|1[&region=<region UUID>]
struct LinkRequest {
  std::string parcel_id;  // lower-case hyphenated
  bool estate_voice = false;
  std::optional<std::string> region_id;  // lower-case hyphenated, when the HUD knows it
};

// The secret is read apart from the other fields so that the caller can check it first: a
// caller without the right secret learns nothing about what else is wrong with its request.
template <class T>
struct ParsedWorldRequest {
  std::optional<std::string> secret;  // nothing: absent, empty, or given twice
  base::Expected<T, BadWorldRequest> content;
};

ParsedWorldRequest<PositionReport> parse_position_report(std::string_view body);
ParsedWorldRequest<LinkRequest> parse_link_request(std::string_view body);

// "<1.5, 2, -3.25>" as LSL's (string) cast writes vectors (spaces optional): exactly `count`
// finite decimal numbers. Nothing for any other text.
std::optional<std::array<double, 4>> parse_lsl_tuple(std::string_view text, std::size_t count);

}  // namespace webvox::world
