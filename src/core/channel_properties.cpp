#include "core/channel_properties.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/log_text.hpp"

namespace webvox::core {
namespace {

std::string describe(std::string_view field, double from, double to) {
  char line[160];
  std::snprintf(line, sizeof line, "%.*s %g adjusted to %g", static_cast<int>(field.size()),
                field.data(), from, to);
  return line;
}

double clamp_number(std::string_view field, std::optional<double> value, double fallback,
                    double low, double high, std::vector<std::string>& adjustments) {
  if (!value) return fallback;
  if (!std::isfinite(*value)) {
    char line[120];
    std::snprintf(line, sizeof line, "%.*s is not a number; using %g",
                  static_cast<int>(field.size()), field.data(), fallback);
    adjustments.emplace_back(line);
    return fallback;
  }
  const double clamped = std::clamp(*value, low, high);
  if (clamped != *value) adjustments.push_back(describe(field, *value, clamped));
  return clamped;
}

}  // namespace

std::optional<ChannelType> parse_channel_type(std::string_view text) {
  if (text == "positional") return ChannelType::Positional;
  if (text == "channel") return ChannelType::NonPositional;
  if (text == "dir") return ChannelType::Directory;
  return std::nullopt;
}

std::optional<ChannelMode> parse_channel_mode(std::string_view text) {
  if (text == "open") return ChannelMode::Open;
  if (text == "lecture") return ChannelMode::Lecture;
  if (text == "presentation") return ChannelMode::Presentation;
  if (text == "auditorium") return ChannelMode::Auditorium;
  return std::nullopt;
}

std::string_view to_string(ChannelType type) {
  switch (type) {
    case ChannelType::Positional:
      return "positional";
    case ChannelType::NonPositional:
      return "channel";
    case ChannelType::Directory:
      return "dir";
  }
  return "positional";
}

std::string_view to_string(ChannelMode mode) {
  switch (mode) {
    case ChannelMode::Open:
      return "open";
    case ChannelMode::Lecture:
      return "lecture";
    case ChannelMode::Presentation:
      return "presentation";
    case ChannelMode::Auditorium:
      return "auditorium";
  }
  return "open";
}

NormalizedProperties normalize(const RequestedChannelProperties& requested) {
  NormalizedProperties out;
  auto& props = out.properties;
  const ChannelProperties defaults;

  if (requested.type) {
    if (auto type = parse_channel_type(*requested.type)) {
      props.type = *type;
    } else {
      out.adjustments.push_back("unknown chan_type " + base::log_text(*requested.type) +
                                "; using positional");
    }
  }
  if (requested.mode) {
    if (auto mode = parse_channel_mode(*requested.mode)) {
      props.mode = *mode;
    } else {
      out.adjustments.push_back("unknown chan_mode " + base::log_text(*requested.mode) +
                                "; using open");
    }
  }
  if (requested.distance_model) {
    const double model = *requested.distance_model;
    if (model == 0 || model == 1 || model == 2 || model == 3) {
      props.distance_model = static_cast<DistanceModel>(static_cast<int>(model));
    } else {
      out.adjustments.push_back(describe("chan_dist_model", model, 2));
    }
  }
  props.roll_off =
      clamp_number("chan_roll_off", requested.roll_off, defaults.roll_off,
                   PropertyLimits::kMinRollOff, PropertyLimits::kMaxRollOff, out.adjustments);
  // Distances are whole metres in the module; round so that stored values are what it sent.
  props.max_range = static_cast<int>(
      std::lround(clamp_number("chan_max_range", requested.max_range, defaults.max_range, 0,
                               PropertyLimits::kMaxDistance, out.adjustments)));
  props.clamping_distance = static_cast<int>(std::lround(
      clamp_number("chan_clamping_distance", requested.clamping_distance,
                   defaults.clamping_distance, 0, PropertyLimits::kMaxDistance, out.adjustments)));
  return out;
}

}  // namespace webvox::core
