#include "sfu/audio_level_tracker.hpp"

#include <algorithm>

namespace webvox::sfu {

void AudioLevelTracker::on_packet(int level_minus_dbov, base::SteadyTime now) {
  const double level = -static_cast<double>(std::clamp(level_minus_dbov, 0, 127));
  level_dbov_ += kSmoothing * (level - level_dbov_);
  if (level > kVoiceThresholdDbov) last_voice_ = now;
}

}  // namespace webvox::sfu
