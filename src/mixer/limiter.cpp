#include "mixer/limiter.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace webvox::mixer {

float peak_magnitude(std::span<const float> samples) {
  // Without the sign bit, IEEE 754 floats order as their bit patterns do (NaNs above
  // infinity): an integer maximum, which vectorises where a float one (NaN rules) does not.
  // Signed, because x86-64's baseline (SSE2) compares signed 32-bit lanes only.
  std::int32_t largest = 0;
  for (const float sample : samples) {
    largest = std::max(largest, std::bit_cast<std::int32_t>(sample) & 0x7FFF'FFFF);
  }
  return std::bit_cast<float>(largest);
}

void Limiter::process(std::span<float> samples, float peak) {
  if (samples.empty() || std::isnan(peak)) return;
  const float needed = peak > kCeiling ? kCeiling / peak : 1.0f;
  const float target = std::min(needed, gain_ + kReleasePerTick);
  if (target == 1.0f && gain_ == 1.0f) return;  // the common case: nothing to do
  // Falling: at once. Rising: a ramp across the frame.
  const float start = target < gain_ ? target : gain_;
  const float step = (target - start) / static_cast<float>(samples.size());
  float k = 1;
  for (float& sample : samples) {
    const float gain = std::min(start + step * k, std::max(start, target));
    sample = std::clamp(sample * gain, -1.0f, 1.0f);
    k += 1;
  }
  gain_ = target;
}

}  // namespace webvox::mixer
