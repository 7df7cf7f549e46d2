#include "core/positional_gain.hpp"

#include <algorithm>
#include <cmath>

namespace webvox::core {

double effective_reference_distance(DistanceModel model, double clamping_distance) {
  const bool divides_by_reference =
      model == DistanceModel::Inverse || model == DistanceModel::Exponential;
  return divides_by_reference ? std::max(clamping_distance, 1.0) : clamping_distance;
}

double positional_gain(const ChannelProperties& channel, double distance) {
  if (channel.type != ChannelType::Positional) return 1.0;
  const double max = channel.max_range;
  if (!(distance <= max)) return 0.0;  // also NaN
  const auto model = channel.distance_model;
  if (model == DistanceModel::None) return 1.0;
  const double ref = effective_reference_distance(model, channel.clamping_distance);
  // Within the clamping distance there is no attenuation. Past this point ref < d <= max,
  // so the spec's clamped distance d' is d itself and max - ref cannot be 0.
  if (distance <= ref) return 1.0;
  const double r = channel.roll_off;
  switch (model) {
    case DistanceModel::Linear:
      return std::max(0.0, 1.0 - r * (distance - ref) / (max - ref));
    case DistanceModel::Inverse:
      return ref / (ref + r * (distance - ref));
    case DistanceModel::Exponential:
      return std::pow(distance / ref, -r);
    case DistanceModel::None:
      break;
  }
  return 1.0;
}

double audible_range(const ChannelProperties& channel) {
  const double max = channel.max_range;
  if (channel.type != ChannelType::Positional || channel.distance_model != DistanceModel::Linear) {
    return max;
  }
  const double ref = channel.clamping_distance;
  if (ref >= max) return max;
  return std::min(max, ref + (max - ref) / channel.roll_off);
}

}  // namespace webvox::core
