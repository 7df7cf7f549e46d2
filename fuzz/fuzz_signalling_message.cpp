// Client signalling messages (docs/signalling.md) straight off the WebSocket: the parser must
// never throw or crash, and whatever it accepts must respect the protocol's limits.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "fuzz_checks.hpp"
#include "signalling/client_message.hpp"
#include "signalling/server_message.hpp"

using namespace webvox::signalling;
using webvox::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_client_message(text);
  if (const auto* error = parsed ? nullptr : &parsed.error()) {
    // The error reply must serialise (ids are echoed back).
    (void)error_message(error->id, "bad_message", error->message);
    return 0;
  }
  const auto& message = *parsed;
  if (const auto* hello = std::get_if<Hello>(&message.message)) {
    if (hello->name.size() > MessageLimits::kMaxNameBytes) fail("display name over the limit");
    if (hello->token.has_value() == (hello->account.has_value() && hello->password.has_value())) {
      fail("hello accepted without exactly one way to sign in");
    }
  }
  if (const auto* update = std::get_if<PositionUpdate>(&message.message)) {
    // Whatever is accepted is a usable position: finite, in bounds, yaw in (-pi, pi].
    const auto& p = update->position;
    using B = webvox::core::PositionBounds;
    const bool in_bounds = p.x >= B::kMinXY && p.x <= B::kMaxXY && p.y >= B::kMinXY &&
                           p.y <= B::kMaxXY && p.z >= B::kMinZ && p.z <= B::kMaxZ;
    if (!in_bounds) fail("position out of bounds accepted");
    if (!(p.yaw > -3.14159266 && p.yaw <= 3.14159266)) fail("yaw not wrapped into one turn");
    PlacedPosition placed{p, PositionSource::Client};
    (void)serialize(to_json(placed));
  }
  if (const auto* floor = std::get_if<Floor>(&message.message)) {
    if (floor->member.empty() || floor->member.size() > 64) fail("floor member id of bad size");
  }
  if (const auto* signal = std::get_if<Signal>(&message.message)) {
    if (signal->data.size() != 1) fail("signal data with other than one field");
    (void)serialize(signal->data);
  }
  return 0;
}
