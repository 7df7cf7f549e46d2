#pragma once

#include "core/channel_properties.hpp"

namespace webvox::core {

// How loud a speaker is for a listener d metres away, 0…1, by the channel's distance model
// (shared/spec/positional-audio.md; the OpenAL "clamped" models Vivox names its models after).
// Beyond the maximum range the gain is 0, which also means the stream is not sent.
// Non-positional channels: 1 at any distance.
double positional_gain(const ChannelProperties& channel, double distance);

// The distance from which the gain is 0: where the linear model falls silent, else the
// maximum range. What clients draw as the audible circle.
double audible_range(const ChannelProperties& channel);

// The clamping distance the inverse and exponential models use: at least 1 m, because 0
// would make every gain 0 or undefined.
double effective_reference_distance(DistanceModel model, double clamping_distance);

}  // namespace webvox::core
