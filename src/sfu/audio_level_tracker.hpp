#pragma once

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

  // One packet's level (the header extension's 7-bit value) at `now` seconds.
  void on_packet(int level_minus_dbov, double now);

  // Smoothed level in dBov (-127 … 0).
  double level_dbov() const { return level_dbov_; }
  // Seconds since a packet above the voice threshold; huge if never.
  double silent_for(double now) const { return now - last_voice_; }

 private:
  double level_dbov_ = -127;
  double last_voice_ = -1e9;
};

}  // namespace webvox::sfu
