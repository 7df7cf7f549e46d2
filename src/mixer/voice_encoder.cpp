#include "mixer/voice_encoder.hpp"

#include <opus.h>
#include <opus_custom.h>

#include <algorithm>
#include <cstring>

#include "mixer/audio_format.hpp"

namespace webvox::mixer {
namespace {

int opus_application(EncoderSettings::Application application) {
  switch (application) {
    case EncoderSettings::Application::Voip:
      return OPUS_APPLICATION_VOIP;
    case EncoderSettings::Application::Audio:
      return OPUS_APPLICATION_AUDIO;
    case EncoderSettings::Application::RestrictedLowDelay:
      return OPUS_APPLICATION_RESTRICTED_LOWDELAY;
  }
  return OPUS_APPLICATION_AUDIO;
}

bool same_settings(const EncoderSettings& a, const EncoderSettings& b) {
  return a.channels == b.channels && a.application == b.application && a.bitrate == b.bitrate &&
         a.inband_fec == b.inband_fec && a.dtx == b.dtx && a.vbr == b.vbr;
}

// The standard 48 kHz, 20 ms CELT mode: libopus hands out its static table, never freed.
const OpusCustomMode* standard_mode() {
  static const OpusCustomMode* const mode =
      opus_custom_mode_create(kSampleRate, kTickSamples, nullptr);
  return mode;
}

}  // namespace

std::size_t VoiceEncoder::state_bytes(int channels, EncoderSettings::Application application) {
  const int size = application == EncoderSettings::Application::RestrictedLowDelay
                       ? opus_custom_encoder_get_size(standard_mode(), channels)
                       : opus_encoder_get_size(channels);
  return size > 0 ? static_cast<std::size_t>(size) : 0;
}

VoiceEncoder::VoiceEncoder(const EncoderSettings& settings, std::size_t bytes)
    : settings_(settings), bytes_(bytes), storage_(new unsigned char[bytes]) {}

::OpusEncoder* VoiceEncoder::state() const {
  return reinterpret_cast<::OpusEncoder*>(storage_.get());
}

::OpusCustomEncoder* VoiceEncoder::celt() const {
  return reinterpret_cast<::OpusCustomEncoder*>(storage_.get());
}

int VoiceEncoder::control(int request, int value) {
  // The OPUS_SET_* macros type-check their argument; this one takes requests with an int.
  return celt_only() ? opus_custom_encoder_ctl(celt(), request, static_cast<opus_int32>(value))
                     : opus_encoder_ctl(state(), request, static_cast<opus_int32>(value));
}

base::Expected<VoiceEncoder, CodecError> VoiceEncoder::create(const EncoderSettings& settings) {
  if (settings.channels != 1 && settings.channels != 2)
    return base::unexpected(CodecError::BadArgument);
  if (settings.complexity < 0 || settings.complexity > 10)
    return base::unexpected(CodecError::BadArgument);
  if (settings.bitrate < 500 || settings.bitrate > 512000)
    return base::unexpected(CodecError::BadArgument);
  VoiceEncoder encoder(settings, state_bytes(settings.channels, settings.application));
  if (encoder.celt_only()) {
    // The custom-mode API declares its init only for custom builds: create one, and keep a
    // byte copy of it (one block, no pointers into itself: what copy_state_from relies on).
    int error = OPUS_OK;
    OpusCustomEncoder* created =
        opus_custom_encoder_create(standard_mode(), settings.channels, &error);
    if (!created) return base::unexpected(codec_error_from_opus(error));
    std::memcpy(encoder.storage_.get(), created, encoder.bytes_);
    opus_custom_encoder_destroy(created);
    const int results[] = {
        encoder.control(OPUS_SET_BITRATE_REQUEST, settings.bitrate),
        encoder.control(OPUS_SET_COMPLEXITY_REQUEST, settings.complexity),
        encoder.control(OPUS_SET_PACKET_LOSS_PERC_REQUEST,
                        std::clamp(settings.expected_loss_percent, 0, 100)),
        encoder.control(OPUS_SET_VBR_REQUEST, settings.vbr ? 1 : 0),
    };
    for (const int result : results) {
      if (result != OPUS_OK) return base::unexpected(codec_error_from_opus(result));
    }
    return encoder;
  }
  auto* st = encoder.state();
  const int init =
      opus_encoder_init(st, kSampleRate, settings.channels, opus_application(settings.application));
  if (init != OPUS_OK) return base::unexpected(codec_error_from_opus(init));
  const int results[] = {
      opus_encoder_ctl(st, OPUS_SET_BITRATE(settings.bitrate)),
      opus_encoder_ctl(st, OPUS_SET_COMPLEXITY(settings.complexity)),
      opus_encoder_ctl(st, OPUS_SET_INBAND_FEC(settings.inband_fec ? 1 : 0)),
      opus_encoder_ctl(
          st, OPUS_SET_PACKET_LOSS_PERC(std::clamp(settings.expected_loss_percent, 0, 100))),
      opus_encoder_ctl(st, OPUS_SET_DTX(settings.dtx ? 1 : 0)),
      opus_encoder_ctl(st, OPUS_SET_VBR(settings.vbr ? 1 : 0)),
      opus_encoder_ctl(st, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)),
      opus_encoder_ctl(st, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_FULLBAND)),
  };
  for (const int result : results) {
    if (result != OPUS_OK) return base::unexpected(codec_error_from_opus(result));
  }
  return encoder;
}

base::Expected<std::size_t, CodecError> VoiceEncoder::encode(std::span<const float> pcm,
                                                             std::span<std::uint8_t> out) {
  const auto frame = static_cast<int>(pcm.size()) / settings_.channels;
  const auto capacity = static_cast<opus_int32>(std::min(out.size(), kMaxEncodedBytes));
  const int result = celt_only()
                         ? opus_custom_encode_float(celt(), pcm.data(), frame, out.data(), capacity)
                         : opus_encode_float(state(), pcm.data(), frame, out.data(), capacity);
  if (result < 0) return base::unexpected(codec_error_from_opus(result));
  return static_cast<std::size_t>(result);
}

bool VoiceEncoder::copy_state_from(const VoiceEncoder& other) {
  if (this == &other) return true;
  if (!same_settings(settings_, other.settings_) || bytes_ != other.bytes_) return false;
  std::memcpy(storage_.get(), other.storage_.get(), bytes_);
  settings_.expected_loss_percent = other.settings_.expected_loss_percent;
  settings_.complexity = other.settings_.complexity;
  return true;
}

void VoiceEncoder::reset() {
  if (celt_only()) {
    opus_custom_encoder_ctl(celt(), OPUS_RESET_STATE);
  } else {
    opus_encoder_ctl(state(), OPUS_RESET_STATE);
  }
}

void VoiceEncoder::set_complexity(int complexity) {
  settings_.complexity = std::clamp(complexity, 0, 10);
  control(OPUS_SET_COMPLEXITY_REQUEST, settings_.complexity);
}

void VoiceEncoder::set_expected_loss(int percent) {
  settings_.expected_loss_percent = std::clamp(percent, 0, 100);
  control(OPUS_SET_PACKET_LOSS_PERC_REQUEST, settings_.expected_loss_percent);
}

}  // namespace webvox::mixer
