#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace webvox::core {

enum class ChannelType { Positional, NonPositional, Directory };
enum class ChannelMode { Open, Lecture, Presentation, Auditorium };
// Numbered as VivoxVoiceModule sends them in chan_dist_model.
enum class DistanceModel { None = 0, Inverse = 1, Linear = 2, Exponential = 3 };

// How a channel sounds: the inputs of positional audio (see shared/spec/positional-audio.md).
struct ChannelProperties {
  ChannelType type = ChannelType::Positional;
  ChannelMode mode = ChannelMode::Open;
  DistanceModel distance_model = DistanceModel::Linear;
  double roll_off = 2.0;
  int max_range = 60;          // metres
  int clamping_distance = 10;  // metres

  friend bool operator==(const ChannelProperties&, const ChannelProperties&) = default;
};

// The module's own bounds (VivoxVoiceModule.cs, [VivoxVoice] config checks).
struct PropertyLimits {
  static constexpr double kMinRollOff = 1.0;
  static constexpr double kMaxRollOff = 4.0;
  static constexpr int kMaxDistance = 160;
};

// Properties as a request states them, before validation. An absent field takes the
// module's default; a present but unusable one (not a number: NaN) does too, noted.
struct RequestedChannelProperties {
  std::optional<std::string> type;
  std::optional<std::string> mode;
  std::optional<double> distance_model;
  std::optional<double> roll_off;
  std::optional<double> max_range;
  std::optional<double> clamping_distance;
};

struct NormalizedProperties {
  ChannelProperties properties;
  // One human-readable line for each value that had to be changed, for the log.
  std::vector<std::string> adjustments;
};

// Never refuses: a refused channel means a parcel without voice. Odd values are clamped
// into the module's ranges or replaced by its defaults, and each change is reported.
NormalizedProperties normalize(const RequestedChannelProperties& requested);

std::optional<ChannelType> parse_channel_type(std::string_view text);
std::optional<ChannelMode> parse_channel_mode(std::string_view text);
std::string_view to_string(ChannelType type);
std::string_view to_string(ChannelMode mode);

}  // namespace webvox::core
