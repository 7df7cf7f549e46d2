#include "tone_packets.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <variant>

#include "mixer/audio_format.hpp"
#include "mixer/voice_encoder.hpp"

namespace webvox::load {

TonePackets::TonePackets(const ToneSettings& settings) {
  mixer::EncoderSettings coding;
  coding.channels = 1;
  coding.application = mixer::EncoderSettings::Application::Voip;
  coding.bitrate = settings.bitrate;
  coding.complexity = 9;  // libwebrtc's default on desktop
  auto created = mixer::VoiceEncoder::create(coding);
  if (!created) {
    throw std::runtime_error("libopus refused the tone's encoder settings");
  }
  auto& encoder = *created;
  std::vector<float> pcm(mixer::kTickSamples);
  std::vector<std::uint8_t> out(mixer::kMaxEncodedBytes);
  // One loop's worth first, thrown away: the encoder settles (rate control, the first
  // frames' look-ahead) before the packets that are kept.
  std::size_t sample = 0;
  const auto frames = std::max<std::size_t>(settings.frames, 1);
  for (std::size_t frame = 0; frame < 2 * frames; ++frame) {
    for (auto& value : pcm) {
      value = static_cast<float>(settings.amplitude *
                                 std::sin(2 * std::numbers::pi * settings.frequency *
                                          static_cast<double>(sample++) / mixer::kSampleRate));
    }
    const auto coded = encoder.encode(pcm, out);
    if (!coded) {
      throw std::runtime_error("libopus could not code the tone");
    }
    if (frame >= frames) {
      const auto bytes = *coded;
      packets_.emplace_back(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(bytes));
    }
  }
  // RMS of a sine: amplitude / sqrt(2).
  const double dbov = 20 * std::log10(settings.amplitude / std::numbers::sqrt2);
  level_ = static_cast<std::uint8_t>(std::clamp(-dbov, 0.0, 127.0));
}

}  // namespace webvox::load
