#include "mixer/voice_decoder.hpp"

#include <opus.h>

#include "mixer/audio_format.hpp"

namespace webvox::mixer {

namespace {

base::Expected<std::size_t, CodecError> outcome(int result) {
  if (result < 0) return base::unexpected(codec_error_from_opus(result));
  return static_cast<std::size_t>(result);
}

}  // namespace

VoiceDecoder::VoiceDecoder(Channels channels)
    : channels_(channels),
      storage_(new unsigned char[static_cast<std::size_t>(
          opus_decoder_get_size(static_cast<int>(channels)))]) {
  // Only bad arguments can fail here, and the channel count is 1 or 2 by its type.
  opus_decoder_init(state(), kSampleRate, channel_count());
}

::OpusDecoder* VoiceDecoder::state() { return reinterpret_cast<::OpusDecoder*>(storage_.get()); }

std::size_t VoiceDecoder::state_bytes(Channels channels) {
  return static_cast<std::size_t>(opus_decoder_get_size(static_cast<int>(channels)));
}

base::Expected<std::size_t, CodecError> VoiceDecoder::decode(std::span<const std::uint8_t> packet,
                                                             std::span<float> out) {
  // An empty payload would mean "conceal" to libopus: refuse it, concealing is explicit.
  if (packet.empty() || packet.size() > kMaxPayloadBytes)
    return base::unexpected(CodecError::InvalidPacket);
  const auto frame = static_cast<int>(out.size()) / channel_count();
  return outcome(opus_decode_float(state(), packet.data(), static_cast<opus_int32>(packet.size()),
                                   out.data(), frame, 0));
}

base::Expected<std::size_t, CodecError> VoiceDecoder::decode_fec(
    std::span<const std::uint8_t> next_packet, std::span<float> out) {
  if (next_packet.empty() || next_packet.size() > kMaxPayloadBytes) {
    return base::unexpected(CodecError::InvalidPacket);
  }
  const auto frame = static_cast<int>(out.size()) / channel_count();
  return outcome(opus_decode_float(state(), next_packet.data(),
                                   static_cast<opus_int32>(next_packet.size()), out.data(), frame,
                                   1));
}

base::Expected<std::size_t, CodecError> VoiceDecoder::conceal(std::span<float> out) {
  const auto frame = static_cast<int>(out.size()) / channel_count();
  return outcome(opus_decode_float(state(), nullptr, 0, out.data(), frame, 0));
}

void VoiceDecoder::reset() { opus_decoder_ctl(state(), OPUS_RESET_STATE); }

}  // namespace webvox::mixer
