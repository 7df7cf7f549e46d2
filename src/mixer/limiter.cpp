#include "mixer/limiter.hpp"

#include <algorithm>
#include <cmath>

namespace webvox::mixer {

void Limiter::process(std::span<float> samples) {
  if (samples.empty()) return;
  float peak = 0;
  for (const float sample : samples) peak = std::max(peak, std::fabs(sample));
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
