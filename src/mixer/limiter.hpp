// Keeps a mix inside full scale before it is coded: several loud voices, or a user gain of 2,
// can add up past it. Peaks above the ceiling turn the gain down at once (for the whole
// frame, so the frame's loudest sample lands on the ceiling); the gain then comes back up
// smoothly, and anything still over is clipped (only possible within the frame a peak
// starts in, when the gain was rising).
#pragma once

#include <span>

namespace webvox::mixer {

// The largest magnitude among `samples` (0 for none). Written so the compiler vectorises it:
// every mix is scanned once per tick, hundreds of times a tick in a crowded room. A NaN
// counts as larger than any number (a limiter then leaves the frame alone, as it would for
// an unscannable one); infinities count as infinite.
float peak_magnitude(std::span<const float> samples);

class Limiter {
 public:
  static constexpr float kCeiling = 0.98f;  // a little under full scale: room for the codec
  // Gain regained per tick after a peak: from 0.5 back to 1 in about 200 ms.
  static constexpr float kReleasePerTick = 0.05f;

  // Limits interleaved samples in place.
  void process(std::span<float> samples) { process(samples, peak_magnitude(samples)); }
  // The same, when the caller already knows the samples' peak_magnitude.
  void process(std::span<float> samples, float peak);
  float gain() const { return gain_; }
  void reset() { gain_ = 1; }

 private:
  float gain_ = 1;
};

}  // namespace webvox::mixer
