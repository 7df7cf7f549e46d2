// What a viewer sends on its `SLData` data channel (shared/spec/viewer-webrtc.md §4.1): one
// JSON text message with any of
//   "sp"/"lp": {"x","y","z"}      avatar ("speaker") and ear ("listener") positions, global
//                                 centimetres as integers
//   "sh"/"lh": {"x","y","z","w"}  their rotations, quaternion components × 100 as integers
//   "j": {} or {"p":true}         joined; p: this connection's region is the agent's own
//   "ug": {"<agent>": uint}       per-speaker volume (user_gain() says what it means)
//   "m":  {"<agent>": bool}       per-speaker mute, for this listener only
// Parsing never throws: a message is accepted or refused whole with a typed reason, and bad
// entries inside "ug"/"m" are skipped and counted (SlDataSkips) so the caller can count every
// drop under its reason. Unknown keys are ignored (future viewers may add some).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/expected.hpp"
#include "core/position.hpp"

namespace webvox::viewer {

struct SlDataLimits {
  static constexpr std::size_t kMaxMessageBytes = 8192;
  // Entries in one "ug" or "m" map, bad ones included. The viewer sends one at a time, or one
  // per peer that joined in the same server message.
  static constexpr std::size_t kMaxMapEntries = 256;
  // Magnitude of a centimetre coordinate: the viewer writes (int)(metres × 100).
  static constexpr std::int64_t kMaxCentimetres = 2147483647;
};

struct SlDataJoin {
  bool primary = false;

  friend bool operator==(const SlDataJoin&, const SlDataJoin&) = default;
};

// Entries of "ug" and "m" that were left out, by reason.
struct SlDataSkips {
  std::uint32_t invalid_agent_key = 0;  // the key is not a UUID
  std::uint32_t nil_agent_key = 0;      // the key is the nil UUID ("probably a test client")
  std::uint32_t bad_value = 0;          // "ug" not a whole number 0..2^32-1, "m" not a bool

  std::uint32_t total() const { return invalid_agent_key + nil_agent_key + bad_value; }
  friend bool operator==(const SlDataSkips&, const SlDataSkips&) = default;
};

struct SlDataUpdate {
  std::optional<core::Vec3> speaker_position;            // sp, grid-global metres
  std::optional<core::Quaternion> speaker_orientation;   // sh, normalised
  std::optional<core::Vec3> listener_position;           // lp, as sent (not yet tethered)
  std::optional<core::Quaternion> listener_orientation;  // lh, normalised
  std::optional<SlDataJoin> join;                        // j
  // Keyed by lower-case hyphenated agent UUID; a key given twice (in two spellings) keeps
  // the value of the spelling that sorts last.
  std::map<std::string, std::uint32_t> user_gains;  // ug: raw values
  std::map<std::string, bool> mutes;                // m: true = muted
  SlDataSkips skipped;
};

enum class SlDataError {
  TooLarge,         // over SlDataLimits::kMaxMessageBytes
  NotJson,          // not one JSON text (binary messages never reach the parser)
  NotAnObject,      // JSON, but not an object
  BadPosition,      // "sp"/"lp" not an object of integer x, y, z within int32
  BadOrientation,   // "sh"/"lh" not an object of integer x, y, z, w within int32
  ZeroOrientation,  // "sh"/"lh" all zero: no rotation at all
  BadJoin,          // "j" not an object, or its "p" not a bool
  BadUserGains,     // "ug" not an object
  BadMutes,         // "m" not an object
  TooManyEntries,   // "ug" or "m" over SlDataLimits::kMaxMapEntries
};

std::string_view to_string(SlDataError error);

base::Expected<SlDataUpdate, SlDataError> parse_sl_data(std::string_view text);

// The message a viewer would send for `update` (what it holds; skips are not written):
// positions rounded to centimetres, rotations to hundredths. parse_sl_data gives the same
// update back, rotations to within rounding.
std::string format_sl_data(const SlDataUpdate& update);

}  // namespace webvox::viewer
