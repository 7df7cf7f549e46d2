#include "mixer/voice_activity.hpp"

#include <algorithm>
#include <cmath>

namespace webvox::mixer {
namespace {

double dbfs(double mean_square) { return mean_square > 0 ? 10 * std::log10(mean_square) : -200.0; }

}  // namespace

void VoiceActivity::update(double rms) {
  const double mean_square = rms * rms;
  energy_ = std::max(mean_square, energy_ * kFallPerTick);
  power_ = std::clamp(1 + 0.008 * dbfs(energy_), 0.0, 1.0);
  const double level = dbfs(mean_square);
  if (level >= kOnDbfs) {
    speaking_ = true;
    quiet_ticks_ = 0;
  } else if (speaking_ && level < kOffDbfs && ++quiet_ticks_ >= kHangoverTicks) {
    speaking_ = false;
    quiet_ticks_ = 0;
  } else if (level >= kOffDbfs) {
    quiet_ticks_ = 0;
  }
}

}  // namespace webvox::mixer
