// What a viewer sends on SLData (shared/spec/viewer-webrtc.md §4.1), straight off its data
// channel: parse_sl_data must never throw or crash, everything it accepts must be usable as
// is (finite positions in the viewer's range, unit rotations, canonical agent keys, bounded
// maps), must survive format -> parse unchanged (rotations to rounding), and the tether of
// what it accepts must hold.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "base/uuid.hpp"
#include "fuzz_checks.hpp"
#include "viewer/listener_tether.hpp"
#include "viewer/sl_data_update.hpp"

using namespace webvox;
using webvox::fuzz::fail;

namespace {

void check_position(const core::Vec3& p, std::string_view input) {
  constexpr double kLimit = 21474836.48;
  for (const double v : {p.x, p.y, p.z}) {
    if (!std::isfinite(v) || v < -kLimit || v > kLimit) {
      fail("position out of the viewer's range", input);
    }
    if (std::abs(std::round(v * 100) - v * 100) > 1e-3) {
      fail("position not whole centimetres", input);
    }
  }
}

void check_orientation(const core::Quaternion& q, std::string_view input) {
  const double norm = std::sqrt(q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w);
  if (!std::isfinite(norm) || std::abs(norm - 1) > 1e-9) fail("rotation not normalised", input);
}

void check_agent(const std::string& agent, std::string_view input) {
  const auto uuid = base::parse_uuid(agent);
  if (!uuid || base::format_uuid(*uuid) != agent) fail("agent key not canonical", input);
  if (base::is_nil(*uuid)) fail("nil agent key accepted", input);
}

bool near(const std::optional<core::Quaternion>& a, const std::optional<core::Quaternion>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  constexpr double kTolerance = 0.011;  // hundredths, then normalised again
  return std::abs(a->x - b->x) <= kTolerance && std::abs(a->y - b->y) <= kTolerance &&
         std::abs(a->z - b->z) <= kTolerance && std::abs(a->w - b->w) <= kTolerance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto parsed = viewer::parse_sl_data(input);
  if (!parsed) {
    const auto error = parsed.error();
    if (viewer::to_string(error).empty()) fail("refusal without a reason", input);
    if (error == viewer::SlDataError::TooLarge && size <= viewer::SlDataLimits::kMaxMessageBytes) {
      fail("small message refused as too large", input);
    }
    return 0;
  }
  if (size > viewer::SlDataLimits::kMaxMessageBytes) fail("oversized message accepted", input);
  const auto& update = *parsed;

  for (const auto* p : {&update.speaker_position, &update.listener_position}) {
    if (*p) check_position(**p, input);
  }
  for (const auto* q : {&update.speaker_orientation, &update.listener_orientation}) {
    if (*q) check_orientation(**q, input);
  }
  if (update.user_gains.size() > viewer::SlDataLimits::kMaxMapEntries ||
      update.mutes.size() > viewer::SlDataLimits::kMaxMapEntries) {
    fail("map over its bound", input);
  }
  for (const auto& [agent, gain] : update.user_gains) check_agent(agent, input);
  for (const auto& [agent, muted] : update.mutes) check_agent(agent, input);

  if (update.speaker_position && update.listener_position) {
    const auto ear = viewer::tether_listener(*update.listener_position, *update.speaker_position);
    const double distance =
        std::hypot(ear.x - update.speaker_position->x, ear.y - update.speaker_position->y,
                   ear.z - update.speaker_position->z);
    if (!(distance <= viewer::kMaxListenerDistance * (1 + 1e-9))) {
      fail("tether does not hold", input);
    }
  }

  const auto text = viewer::format_sl_data(update);
  const auto again = viewer::parse_sl_data(text);
  const auto* round = again ? &*again : nullptr;
  if (round == nullptr) fail("formatted message refused", text);
  if (round->speaker_position != update.speaker_position ||
      round->listener_position != update.listener_position) {
    fail("positions changed in the round trip", input);
  }
  if (!near(round->speaker_orientation, update.speaker_orientation) ||
      !near(round->listener_orientation, update.listener_orientation)) {
    fail("rotations changed in the round trip", input);
  }
  if (round->join != update.join || round->user_gains != update.user_gains ||
      round->mutes != update.mutes) {
    fail("join, ug or m changed in the round trip", input);
  }
  if (round->skipped.total() != 0) fail("formatted message has skipped entries", text);
  return 0;
}
