#include "viewer/sl_data_update.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/json_text.hpp"
#include "base/uuid.hpp"

namespace webvox::viewer {
namespace {

using nlohmann::json;

const json* member(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// A JSON integer within int32, the range of the viewer's (int) casts.
std::optional<std::int32_t> int32_of(const json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_number_unsigned()) {
    const auto v = value->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int32_t>(v);
  }
  if (value->is_number_integer()) {
    const auto v = value->get<std::int64_t>();
    if (v < std::numeric_limits<std::int32_t>::min() ||
        v > std::numeric_limits<std::int32_t>::max()) {
      return std::nullopt;
    }
    return static_cast<std::int32_t>(v);
  }
  return std::nullopt;
}

std::optional<core::Vec3> position_of(const json& value) {
  if (!value.is_object()) return std::nullopt;
  const auto x = int32_of(member(value, "x"));
  const auto y = int32_of(member(value, "y"));
  const auto z = int32_of(member(value, "z"));
  if (!x || !y || !z) return std::nullopt;
  return core::Vec3{*x / 100.0, *y / 100.0, *z / 100.0};
}

// Malformed and all-zero rotations are told apart: they are counted under different reasons.
base::Expected<core::Quaternion, SlDataError> orientation_of(const json& value) {
  if (!value.is_object()) return base::unexpected(SlDataError::BadOrientation);
  const auto x = int32_of(member(value, "x"));
  const auto y = int32_of(member(value, "y"));
  const auto z = int32_of(member(value, "z"));
  const auto w = int32_of(member(value, "w"));
  if (!x || !y || !z || !w) return base::unexpected(SlDataError::BadOrientation);
  const double dx = *x, dy = *y, dz = *z, dw = *w;
  const double norm = std::sqrt(dx * dx + dy * dy + dz * dz + dw * dw);
  if (norm == 0 || !std::isfinite(norm)) return base::unexpected(SlDataError::ZeroOrientation);
  return core::Quaternion{dx / norm, dy / norm, dz / norm, dw / norm};
}

enum class KeyCheck { Valid, Invalid, Nil };

KeyCheck agent_key(const std::string& key, std::string& canonical) {
  const auto uuid = base::parse_uuid(key);
  if (!uuid) return KeyCheck::Invalid;
  if (base::is_nil(*uuid)) return KeyCheck::Nil;
  canonical = base::format_uuid(*uuid);
  return KeyCheck::Valid;
}

// Reads "ug" or "m": an object of at most kMaxMapEntries agent keys; `value_of` gives an
// entry's value, or nullopt for one of the wrong type. Bad entries are skipped and counted.
template <typename T, typename ValueOf>
std::optional<SlDataError> read_agent_map(const json& value, SlDataError not_an_object,
                                          ValueOf value_of, std::map<std::string, T>& into,
                                          SlDataSkips& skipped) {
  if (!value.is_object()) return not_an_object;
  if (value.size() > SlDataLimits::kMaxMapEntries) return SlDataError::TooManyEntries;
  for (const auto& [key, entry] : value.items()) {
    std::string agent;
    const auto check = agent_key(key, agent);
    if (check == KeyCheck::Invalid) ++skipped.invalid_agent_key;
    if (check == KeyCheck::Nil) ++skipped.nil_agent_key;
    if (check != KeyCheck::Valid) continue;
    const std::optional<T> read = value_of(entry);
    if (!read) {
      ++skipped.bad_value;
      continue;
    }
    into[agent] = *read;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> user_gain_of(const json& value) {
  if (!value.is_number_unsigned() ||
      value.get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(value.get<std::uint64_t>());
}

std::optional<bool> mute_of(const json& value) {
  if (!value.is_boolean()) return std::nullopt;
  return value.get<bool>();
}

std::int64_t centimetres(double metres) {
  const double cm = std::round(metres * 100.0);
  constexpr double kMax = static_cast<double>(SlDataLimits::kMaxCentimetres);
  if (!(cm >= -kMax)) return -SlDataLimits::kMaxCentimetres;  // NaN too
  if (cm > kMax) return SlDataLimits::kMaxCentimetres;
  return static_cast<std::int64_t>(cm);
}

std::int64_t hundredths(double component) {
  if (!std::isfinite(component)) return 0;
  return static_cast<std::int64_t>(std::round(std::clamp(component, -1.0, 1.0) * 100.0));
}

json position_json(const core::Vec3& p) {
  return json{{"x", centimetres(p.x)}, {"y", centimetres(p.y)}, {"z", centimetres(p.z)}};
}

json orientation_json(const core::Quaternion& q) {
  return json{{"x", hundredths(q.x)},
              {"y", hundredths(q.y)},
              {"z", hundredths(q.z)},
              {"w", hundredths(q.w)}};
}

}  // namespace

std::string_view to_string(SlDataError error) {
  switch (error) {
    case SlDataError::TooLarge:
      return "message too large";
    case SlDataError::NotJson:
      return "not JSON";
    case SlDataError::NotAnObject:
      return "not a JSON object";
    case SlDataError::BadPosition:
      return "sp/lp not integer x, y, z centimetres";
    case SlDataError::BadOrientation:
      return "sh/lh not integer x, y, z, w";
    case SlDataError::ZeroOrientation:
      return "sh/lh is the zero quaternion";
    case SlDataError::BadJoin:
      return "j not an object with an optional boolean p";
    case SlDataError::BadUserGains:
      return "ug not an object";
    case SlDataError::BadMutes:
      return "m not an object";
    case SlDataError::TooManyEntries:
      return "too many ug/m entries";
  }
  return "unknown";
}

base::Expected<SlDataUpdate, SlDataError> parse_sl_data(std::string_view text) {
  if (text.size() > SlDataLimits::kMaxMessageBytes) return base::unexpected(SlDataError::TooLarge);
  const auto parsed = base::parse_json_text(text);
  if (!parsed) return base::unexpected(SlDataError::NotJson);
  const json& root = *parsed;
  if (!root.is_object()) return base::unexpected(SlDataError::NotAnObject);

  SlDataUpdate update;
  if (const json* sp = member(root, "sp")) {
    update.speaker_position = position_of(*sp);
    if (!update.speaker_position) return base::unexpected(SlDataError::BadPosition);
  }
  if (const json* lp = member(root, "lp")) {
    update.listener_position = position_of(*lp);
    if (!update.listener_position) return base::unexpected(SlDataError::BadPosition);
  }
  for (const auto& [key, target] : {std::pair{"sh", &update.speaker_orientation},
                                    std::pair{"lh", &update.listener_orientation}}) {
    if (const json* value = member(root, key)) {
      auto orientation = orientation_of(*value);
      if (!orientation) return base::unexpected(orientation.error());
      *target = *orientation;
    }
  }
  if (const json* j = member(root, "j")) {
    if (!j->is_object()) return base::unexpected(SlDataError::BadJoin);
    SlDataJoin join;
    if (const json* p = member(*j, "p")) {
      if (!p->is_boolean()) return base::unexpected(SlDataError::BadJoin);
      join.primary = p->get<bool>();
    }
    update.join = join;
  }
  if (const json* ug = member(root, "ug")) {
    if (const auto error = read_agent_map(*ug, SlDataError::BadUserGains, user_gain_of,
                                          update.user_gains, update.skipped)) {
      return base::unexpected(*error);
    }
  }
  if (const json* m = member(root, "m")) {
    if (const auto error =
            read_agent_map(*m, SlDataError::BadMutes, mute_of, update.mutes, update.skipped)) {
      return base::unexpected(*error);
    }
  }
  return update;
}

std::string format_sl_data(const SlDataUpdate& update) {
  json root = json::object();
  if (update.speaker_position) root["sp"] = position_json(*update.speaker_position);
  if (update.speaker_orientation) root["sh"] = orientation_json(*update.speaker_orientation);
  if (update.listener_position) root["lp"] = position_json(*update.listener_position);
  if (update.listener_orientation) root["lh"] = orientation_json(*update.listener_orientation);
  if (update.join) {
    json join = json::object();
    if (update.join->primary) join["p"] = true;
    root["j"] = std::move(join);
  }
  if (!update.user_gains.empty()) {
    json gains = json::object();
    for (const auto& [agent, gain] : update.user_gains) gains[agent] = gain;
    root["ug"] = std::move(gains);
  }
  if (!update.mutes.empty()) {
    json mutes = json::object();
    for (const auto& [agent, muted] : update.mutes) mutes[agent] = muted;
    root["m"] = std::move(mutes);
  }
  return root.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace webvox::viewer
