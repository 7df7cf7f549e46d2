// Test speakers and ears: a tone coded as real Opus packets, and a listener's packets decoded
// back to stereo and measured.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <span>
#include <vector>

#include "mixer/audio_format.hpp"
#include "mixer/jitter_buffer.hpp"
#include "mixer/voice_decoder.hpp"
#include "mixer/voice_encoder.hpp"

namespace webvox::mixer::test {

struct CodedPacket {
  std::uint16_t sequence_number = 0;
  std::uint32_t timestamp = 0;
  std::vector<std::uint8_t> payload;

  SpeakerPacket at(TimePoint arrival, std::optional<std::uint8_t> level = std::nullopt) const {
    return SpeakerPacket{sequence_number, timestamp, payload, arrival, level};
  }
};

inline EncoderSettings tone_settings() {
  EncoderSettings settings;
  settings.channels = 1;
  settings.application = EncoderSettings::Application::Audio;
  settings.bitrate = 64000;
  settings.complexity = 10;
  return settings;
}

// A sine tone, coded by a mono Opus encoder as a speaker's microphone would be.
class ToneSpeaker {
 public:
  explicit ToneSpeaker(double frequency = 440, double amplitude = 0.25,
                       EncoderSettings settings = tone_settings(),
                       std::uint16_t first_sequence = 1000, std::uint32_t first_timestamp = 5000,
                       std::size_t frame_samples = kTickSamples)
      : frequency_(frequency),
        amplitude_(amplitude),
        frame_samples_(frame_samples),
        encoder_(VoiceEncoder::create(settings).value()),
        sequence_(first_sequence),
        timestamp_(first_timestamp) {}

  CodedPacket next() {
    std::vector<float> pcm(frame_samples_);
    for (auto& sample : pcm) {
      sample = static_cast<float>(
          amplitude_ * std::sin(2 * std::numbers::pi * frequency_ * phase_ / kSampleRate));
      ++phase_;
    }
    std::vector<std::uint8_t> payload(kMaxEncodedBytes);
    const auto size = encoder_.encode(pcm, payload).value();
    payload.resize(size);
    CodedPacket packet{sequence_, timestamp_, std::move(payload)};
    ++sequence_;
    timestamp_ += static_cast<std::uint32_t>(frame_samples_);
    return packet;
  }

  double amplitude() const { return amplitude_; }

 private:
  double frequency_;
  double amplitude_;
  std::size_t frame_samples_;
  VoiceEncoder encoder_;
  std::uint16_t sequence_;
  std::uint32_t timestamp_;
  std::uint64_t phase_ = 0;
};

// A listener's ear: decodes every packet it is sent (as its viewer would) and measures RMS.
class StereoEar {
 public:
  StereoEar() : decoder_(VoiceDecoder::Channels::Stereo) {}

  // One packet; `timestamp_step` beyond one tick is concealed first, as a receiver would.
  void hear(std::span<const std::uint8_t> payload, std::uint32_t timestamp_step = kTickSamples) {
    if (timestamp_step > kTickSamples && !samples_.empty()) {
      std::vector<float> gap(2 * (timestamp_step - kTickSamples));
      if (decoder_.conceal(gap).has_value()) append(gap);
    }
    std::vector<float> out(2 * kMaxPacketSamples);
    const auto decoded = decoder_.decode(payload, out);
    ++packets_;
    if (payload.size() <= 2) ++dtx_packets_;
    if (decoded) {
      out.resize(2 * *decoded);
      append(out);
    }
  }
  // No packet this tick: the receiver plays nothing new (silence, for measuring).
  void nothing() { samples_.insert(samples_.end(), 2 * kTickSamples, 0.0f); }

  // RMS of one channel (0 left, 1 right) over samples [from, to) per channel.
  double rms(int channel, std::size_t from, std::size_t to) const {
    to = std::min(to, samples_.size() / 2);
    if (from >= to) return 0;
    double energy = 0;
    for (std::size_t i = from; i < to; ++i) {
      const double s = samples_[2 * i + static_cast<std::size_t>(channel)];
      energy += s * s;
    }
    return std::sqrt(energy / static_cast<double>(to - from));
  }
  // RMS over the last `ticks` ticks.
  double rms_last(int channel, std::size_t ticks) const {
    const std::size_t end = samples_.size() / 2;
    const std::size_t span = ticks * kTickSamples;
    return rms(channel, end > span ? end - span : 0, end);
  }
  std::size_t frames() const { return samples_.size() / 2 / kTickSamples; }
  int packets() const { return packets_; }
  int dtx_packets() const { return dtx_packets_; }
  const std::vector<float>& samples() const { return samples_; }

 private:
  void append(std::span<const float> pcm) {
    samples_.insert(samples_.end(), pcm.begin(), pcm.end());
  }

  VoiceDecoder decoder_;
  std::vector<float> samples_;
  int packets_ = 0;
  int dtx_packets_ = 0;
};

inline double db(double ratio) { return 20 * std::log10(ratio); }

}  // namespace webvox::mixer::test
