// What in-world HUDs post to /world/position and /world/link (docs/world.md), straight off
// the network: the parsers must never throw or crash, and whatever they accept must be a
// position signalling can use and channel names as OpenSim writes them.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <string_view>

#include "core/position.hpp"
#include "base/uuid.hpp"
#include "fuzz_checks.hpp"
#include "world/secondlife_headers.hpp"
#include "world/world_request.hpp"

using namespace webvox;
using webvox::fuzz::fail;

namespace {

void check_secret(const std::optional<std::string>& secret, std::string_view input) {
  if (secret && (secret->empty() || secret->size() > world::WorldRequestLimits::kMaxSecretBytes)) {
    fail("secret outside its limits", input);
  }
}

// Lower-case 8-4-4-4-12, checked apart from the parser's own formatter.
void check_uuid_text(std::string_view text, std::string_view input) {
  if (text.size() != 36) fail("uuid of the wrong length", input);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = text[i];
    const bool ok = hyphen ? c == '-' : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    if (!ok) fail("uuid not in OpenSim's lower-case form", input);
  }
  if (text == "00000000-0000-0000-0000-000000000000") fail("null key accepted", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const auto position = world::parse_position_report(input);
  check_secret(position.secret, input);
  if (position.content) {
    const auto& p = position.content->position;
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z) ||
        !std::isfinite(p.yaw)) {
      fail("non-finite position accepted", input);
    }
    using B = core::PositionBounds;
    if (p.x < B::kMinXY || p.x > B::kMaxXY || p.y < B::kMinXY || p.y > B::kMaxXY ||
        p.z < B::kMinZ || p.z > B::kMaxZ) {
      fail("position outside the bounds accepted", input);
    }
    if (p.yaw <= -std::numbers::pi - 1e-9 || p.yaw > std::numbers::pi + 1e-9) {
      fail("yaw not brought into (-pi, pi]", input);
    }
  } else if (position.content.error().reason.empty()) {
    fail("refusal without a reason", input);
  }

  const auto link = world::parse_link_request(input);
  check_secret(link.secret, input);
  if (link.content) {
    check_uuid_text(link.content->parcel_id, input);
    if (link.content->region_id) check_uuid_text(*link.content->region_id, input);
  } else if (link.content.error().reason.empty()) {
    fail("refusal without a reason", input);
  }

  if (const auto name = world::region_name_of(input)) {
    if (name->empty() || name->size() >= input.size()) fail("region name not a prefix", input);
    if (!input.starts_with(*name)) fail("region name not a prefix", input);
  }
  for (std::size_t count = 1; count <= 4; ++count) {
    if (const auto tuple = world::parse_lsl_tuple(input, count)) {
      for (std::size_t i = 0; i < count; ++i) {
        if (!std::isfinite((*tuple)[i])) fail("non-finite tuple element", input);
      }
    }
  }
  if (const auto uuid = base::parse_uuid(input)) {
    if (base::parse_uuid(base::format_uuid(*uuid)) != uuid) fail("uuid does not round-trip", input);
  }
  return 0;
}
