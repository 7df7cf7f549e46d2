// What a load speaker says: a sine tone coded once, as a viewer's microphone would be (mono
// Opus, 20 ms frames, the VoIP application libwebrtc uses), and then sent in a loop. Real
// Opus, so the server under test decodes, mixes and re-encodes real audio; coding it once
// keeps the load generator's own CPU for sending and receiving.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace webvox::load {

struct ToneSettings {
  double frequency = 440;   // Hz; a whole number of cycles per second makes the loop seamless
  double amplitude = 0.25;  // of full scale (-12 dBFS peak, -15 dBFS RMS: a voice into AGC)
  int bitrate = 32000;      // bits per second
  std::size_t frames = 50;  // 20 ms frames in the loop (one second)
};

class TonePackets {
 public:
  // Throws std::runtime_error when libopus refuses the settings.
  explicit TonePackets(const ToneSettings& settings);

  std::size_t size() const { return packets_.size(); }
  std::span<const std::uint8_t> packet(std::size_t index) const {
    return packets_[index % packets_.size()];
  }
  // The tone's RMS as RFC 6464 puts it in the audio-level extension: -dBov, 0…127.
  std::uint8_t level_minus_dbov() const { return level_; }

 private:
  std::vector<std::vector<std::uint8_t>> packets_;
  std::uint8_t level_ = 127;
};

}  // namespace webvox::load
