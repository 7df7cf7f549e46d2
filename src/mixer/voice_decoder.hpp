// One libopus decoder at 48 kHz (RAII): a speaker's packets in, float samples out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/expected.hpp"
#include "mixer/codec_error.hpp"

struct OpusDecoder;  // libopus

namespace webvox::mixer {

class VoiceDecoder {
 public:
  // A speaker is a point source: the mixer decodes every speaker to mono (libopus downmixes a
  // stereo packet). Tests decode the mixer's output in stereo.
  enum class Channels { Mono = 1, Stereo = 2 };

  explicit VoiceDecoder(Channels channels);

  Channels channels() const { return channels_; }
  int channel_count() const { return static_cast<int>(channels_); }

  // Decodes one packet into `out` (interleaved, room for at least the packet's duration);
  // returns the samples per channel written.
  base::Expected<std::size_t, CodecError> decode(std::span<const std::uint8_t> packet,
                                                 std::span<float> out);
  // Fills exactly out.size() / channels samples per channel for audio that never arrived,
  // from the in-band FEC (LBRR) that `next_packet` carries for the frame before it; libopus
  // conceals whatever part the FEC does not cover (and all of it when the packet has none).
  // The duration must be a multiple of 2.5 ms.
  base::Expected<std::size_t, CodecError> decode_fec(std::span<const std::uint8_t> next_packet,
                                                     std::span<float> out);
  // Packet loss concealment: exactly out.size() / channels samples per channel, a multiple of
  // 2.5 ms.
  base::Expected<std::size_t, CodecError> conceal(std::span<float> out);
  // Forgets the stream (as a fresh decoder).
  void reset();

  // Bytes of libopus state one decoder holds.
  static std::size_t state_bytes(Channels channels);

 private:
  ::OpusDecoder* state();

  Channels channels_;
  std::unique_ptr<unsigned char[]> storage_;
};

}  // namespace webvox::mixer
