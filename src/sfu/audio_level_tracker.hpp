#pragma once

#include <optional>

#include "base/steady_time.hpp"

namespace webvox::sfu {

// How loud one speaker is now, from the RFC 6464 audio level each of its packets carries
// (0 = loudest, 127 = silence, in -dBov), without decoding anything. Levels are smoothed so one
// loud packet does not steal a slot, and the time of the last voiced packet is kept so a slot
// is not taken away in a pause between words.
class AudioLevelTracker {
 public:
  // Below this a packet counts as silence (browsers mark comfort noise at 127).
  static constexpr double kVoiceThresholdDbov = -50;
  // Exponential smoothing per packet (20 ms): about 100 ms to follow a change.
  static constexpr double kSmoothing = 0.2;

  // One packet's level (the header extension's 7-bit value), arrived at `now`.
  void on_packet(int level_minus_dbov, base::SteadyTime now);

  // Smoothed level in dBov (-127 … 0).
  double level_dbov() const { return level_dbov_; }
  // How long since a packet above the voice threshold; Seconds::max() if never.
  base::Seconds silent_for(base::SteadyTime now) const {
    return last_voice_ ? base::Seconds(now - *last_voice_) : base::Seconds::max();
  }

 private:
  double level_dbov_ = -127;
  std::optional<base::SteadyTime> last_voice_;
};

}  // namespace webvox::sfu
