#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "mixer/voice_decoder.hpp"
#include "mixer/voice_encoder.hpp"
#include "tone_source.hpp"

namespace webvox::mixer {
namespace {

std::vector<float> stereo_tone(std::size_t frame, double phase_offset) {
  std::vector<float> pcm(2 * kTickSamples);
  for (std::size_t i = 0; i < kTickSamples; ++i) {
    const double t = static_cast<double>(frame * kTickSamples + i) / kSampleRate;
    pcm[2 * i] = static_cast<float>(0.3 * std::sin(2 * std::numbers::pi * 220 * t + phase_offset));
    pcm[2 * i + 1] = static_cast<float>(0.2 * std::sin(2 * std::numbers::pi * 330 * t));
  }
  return pcm;
}

std::vector<std::uint8_t> encode(VoiceEncoder& encoder, const std::vector<float>& pcm) {
  std::vector<std::uint8_t> out(kMaxEncodedBytes);
  const auto size = encoder.encode(pcm, out).value();
  out.resize(size);
  return out;
}

TEST(VoiceEncoder, ACopiedEncoderCodesExactlyWhatTheOriginalWould) {
  auto original = VoiceEncoder::create({}).value();
  auto copy = VoiceEncoder::create({}).value();
  for (std::size_t frame = 0; frame < 30; ++frame) encode(original, stereo_tone(frame, 0));
  ASSERT_TRUE(copy.copy_state_from(original));
  for (std::size_t frame = 30; frame < 80; ++frame) {
    const auto pcm = stereo_tone(frame, 0);
    EXPECT_EQ(encode(original, pcm), encode(copy, pcm)) << frame;
  }
  // A fresh encoder fed the same frames does not: the copy carried the history.
  auto fresh = VoiceEncoder::create({}).value();
  auto copy2 = VoiceEncoder::create({}).value();
  ASSERT_TRUE(copy2.copy_state_from(original));
  const auto pcm = stereo_tone(80, 0);
  EXPECT_NE(encode(fresh, pcm), encode(copy2, pcm));
  // Same in every application mode (the Voip/hybrid state has SILK in it too).
  EncoderSettings voip;
  voip.application = EncoderSettings::Application::Voip;
  auto a = VoiceEncoder::create(voip).value();
  auto b = VoiceEncoder::create(voip).value();
  for (std::size_t frame = 0; frame < 20; ++frame) encode(a, stereo_tone(frame, 1));
  ASSERT_TRUE(b.copy_state_from(a));
  for (std::size_t frame = 20; frame < 50; ++frame) {
    const auto p = stereo_tone(frame, 1);
    EXPECT_EQ(encode(a, p), encode(b, p)) << frame;
  }
}

TEST(VoiceEncoder, ComplexityChangesMidStreamAndIsCopied) {
  auto original = VoiceEncoder::create({}).value();
  EncoderSettings low;
  low.complexity = 1;
  auto copy = VoiceEncoder::create(low).value();
  for (std::size_t frame = 0; frame < 10; ++frame) encode(original, stereo_tone(frame, 0));
  ASSERT_TRUE(copy.copy_state_from(original));
  EXPECT_EQ(copy.settings().complexity, 5);
  copy.set_complexity(1);
  original.set_complexity(1);
  for (std::size_t frame = 10; frame < 30; ++frame) {
    const auto pcm = stereo_tone(frame, 0);
    EXPECT_EQ(encode(original, pcm), encode(copy, pcm));
  }
}

TEST(VoiceEncoder, CopyingAcrossSettingsIsRefused) {
  auto stereo = VoiceEncoder::create({}).value();
  EncoderSettings other;
  other.bitrate = 32000;
  auto different = VoiceEncoder::create(other).value();
  EXPECT_FALSE(different.copy_state_from(stereo));
}

TEST(VoiceEncoder, RefusesBadSettingsAndFrames) {
  EncoderSettings bad;
  bad.channels = 3;
  EXPECT_EQ((VoiceEncoder::create(bad)).error(), CodecError::BadArgument);
  bad = {};
  bad.bitrate = 10;
  EXPECT_EQ((VoiceEncoder::create(bad)).error(), CodecError::BadArgument);
  auto encoder = VoiceEncoder::create({}).value();
  std::vector<float> odd(2 * 1000);  // 1000 samples is no Opus frame size
  std::vector<std::uint8_t> out(kMaxEncodedBytes);
  EXPECT_EQ(encoder.encode(odd, out).error(), CodecError::BadArgument);
}

TEST(VoiceEncoder, TheMixersDefaultsAreCeltFullBandStereo) {
  auto encoder = VoiceEncoder::create({}).value();
  const auto packet = encode(encoder, stereo_tone(0, 0));
  // TOC (RFC 6716 §3.1): config 31 = CELT, full band, 20 ms; s = 1: stereo.
  EXPECT_EQ(packet[0] >> 3, 31);
  EXPECT_EQ((packet[0] >> 2) & 1, 1);
}

// The mixer's CELT-only encoder (libopus's custom-mode API, the standard 48 kHz mode) codes as
// the full Opus encoder does when that picks CELT (Audio at 96 kb/s: below it codes this voice
// as the SILK+CELT hybrid): packets the standard decoder reads, as large, and at least as
// close to the input.
TEST(VoiceEncoder, CeltOnlyCodesAsTheOpusEncodersCeltMode) {
  EncoderSettings celt_settings;
  celt_settings.bitrate = 96000;
  EncoderSettings audio = celt_settings;
  audio.application = EncoderSettings::Application::Audio;
  auto celt = VoiceEncoder::create(celt_settings).value();
  auto opus = VoiceEncoder::create(audio).value();
  EXPECT_LT(VoiceEncoder::state_bytes(2), VoiceEncoder::state_bytes(2, audio.application) / 2);
  constexpr std::size_t kFrames = 100;
  std::vector<float> input;
  std::vector<float> decoded[2];
  std::size_t bytes[2] = {0, 0};
  VoiceDecoder decoders[2] = {VoiceDecoder(VoiceDecoder::Channels::Stereo),
                              VoiceDecoder(VoiceDecoder::Channels::Stereo)};
  for (std::size_t frame = 0; frame < kFrames; ++frame) {
    const auto pcm = stereo_tone(frame, 0.5);
    input.insert(input.end(), pcm.begin(), pcm.end());
    VoiceEncoder* encoders[2] = {&celt, &opus};
    for (int i = 0; i < 2; ++i) {
      const auto packet = encode(*encoders[i], pcm);
      ASSERT_EQ(packet[0] >> 3, 31);  // CELT, full band, 20 ms, from both
      bytes[i] += packet.size();
      std::vector<float> out(2 * kTickSamples);
      ASSERT_EQ(decoders[i].decode(packet, out).value(), kTickSamples);
      decoded[i].insert(decoded[i].end(), out.begin(), out.end());
    }
  }
  // Signal to noise against the input at the coder's own delay (the best of 0-20 ms), after
  // the first 10 frames.
  const auto snr = [&](const std::vector<float>& out) {
    double best = -100;
    for (std::size_t lag = 0; lag <= kTickSamples; lag += 8) {
      double signal = 0, noise = 0;
      for (std::size_t i = 2 * 10 * kTickSamples; i + 2 * lag < out.size(); ++i) {
        const double reference = input[i];
        const double error = out[i + 2 * lag] - reference;
        signal += reference * reference;
        noise += error * error;
      }
      best = std::max(best, 10 * std::log10(signal / noise));
    }
    return best;
  };
  const double celt_snr = snr(decoded[0]);
  const double opus_snr = snr(decoded[1]);
  EXPECT_GT(celt_snr, 10.0);
  EXPECT_GE(celt_snr, opus_snr - 0.5);  // no worse (measured: 36.9 dB against 35.1)
  EXPECT_NEAR(static_cast<double>(bytes[0]), static_cast<double>(bytes[1]), 0.1 * bytes[1]);
}

TEST(VoiceDecoder, DecodesConcealsAndRefuses) {
  auto encoder = VoiceEncoder::create({}).value();
  VoiceDecoder decoder(VoiceDecoder::Channels::Stereo);
  std::vector<float> out(2 * kMaxPacketSamples);
  const auto packet = encode(encoder, stereo_tone(0, 0));
  EXPECT_EQ(decoder.decode(packet, out).value(), kTickSamples);
  std::vector<float> gap(2 * 480);
  EXPECT_EQ(decoder.conceal(gap).value(), 480u);
  std::vector<float> odd(2 * 100);  // not a multiple of 2.5 ms
  EXPECT_EQ(decoder.conceal(odd).error(), CodecError::BadArgument);
  const std::vector<std::uint8_t> empty;
  EXPECT_EQ(decoder.decode(empty, out).error(), CodecError::InvalidPacket);
  std::vector<float> small(2 * 480);  // a 20 ms packet does not fit
  EXPECT_EQ(decoder.decode(packet, small).error(), CodecError::BufferTooSmall);
  // Mono decoding of a stereo packet (a speaker is a point source).
  VoiceDecoder mono(VoiceDecoder::Channels::Mono);
  std::vector<float> mono_out(kMaxPacketSamples);
  EXPECT_EQ(mono.decode(packet, mono_out).value(), kTickSamples);
  EXPECT_GT(VoiceDecoder::state_bytes(VoiceDecoder::Channels::Mono), 1000u);
}

}  // namespace
}  // namespace webvox::mixer
