// One libopus encoder at 48 kHz (RAII): what each distinct listener mix is coded with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/expected.hpp"
#include "mixer/codec_error.hpp"

struct OpusEncoder;        // libopus
struct OpusCustomEncoder;  // libopus, custom-mode API

namespace webvox::mixer {

// How the mixer codes a listener's stereo mix. The defaults were chosen by measurement
// (callgrind instructions per 20 ms frame of a three-voice stereo mix at 48 kb/s;
// bench/mixer_bench.cpp EncodeComplexity measures the same in microseconds):
//
//   complexity           0     1     2     3     4     5     6     7     8-10
//   RestrictedLowDelay 0.37  0.46  0.51  0.54  0.55  0.78  0.78  1.00  1.11  M (CELT)
//   Voip               1.55  1.77  2.14  2.32  2.82  2.82  3.47  1.55  1.81  M (mostly hybrid)
//   Audio              0.37  0.46  0.51  0.54  0.55  0.77  0.77  1.48  1.66  M
//
//  - RestrictedLowDelay (CELT only): Voip codes speech at this rate as the SILK+CELT hybrid,
//    2-5x the work, and Audio picks CELT or the hybrid by bitrate and by its voice
//    detection (CELT at 48 kb/s below complexity 7, the hybrid on voice from 7 up and at
//    40 kb/s), so neither bounds the cost; per-listener encoding is what bounds listeners
//    per core (in a crowded region 94 % of a tick is encoding). CELT also has the
//    shorter look-ahead (2.5 ms against 6.5 ms) inside the 40 ms delay budget. The price: no
//    in-band FEC (LBRR is a SILK feature), so a listener's lost packet is concealed by its
//    own decoder; `inband_fec` is still set so a Voip/Audio configuration gets it.
//  - 48 kb/s: CELT needs more than the hybrid for speech; at 48 kb/s stereo it codes the
//    bands below ~3 kHz (where most speech energy sits) as true stereo. The rate hardly
//    changes the cost (32 kb/s: -3 %).
//  - complexity 5: the lowest at which CELT runs its pitch pre-filter (celt_encoder.c:
//    `st->complexity >= 5`), which is what carries voiced speech; 7 and up add the tonality
//    analysis and theta RDO for +30-40 % that speech at this rate does not need. Busy rooms
//    drop to 1 (MixerConfig::busy_complexity): 2-4 add TF analysis and the spreading decision
//    for +11-20 %, 0 drops spreading altogether (SPREAD_NONE) for -20 %.
//  - CELT through libopus's custom-mode API (opus_custom_encode_float with the standard 48 kHz,
//    20 ms mode), not opus_encode_float: the same CELT coder (same frames, bit rate and
//    quality: tests/mixer/voice_codec_test.cpp decodes both with the standard decoder), which
//    writes its own Opus TOC byte for the standard mode, without the Opus layer around it
//    (SILK state, DC filter, delay buffer): 10 KB of state instead of 48 KB per stereo encoder
//    and 8 % fewer instructions per frame. Voip and Audio keep the full Opus encoder.
//  - no DTX: the mixer sends its own 1-byte DTX frames when a listener hears nobody (never
//    encoding at all then), and a frame that carries a voice is never silent enough for Opus
//    DTX to matter; DTX inside shared encoders would also tie one listener's silence to others.
struct EncoderSettings {
  enum class Application { Voip, Audio, RestrictedLowDelay };

  int channels = 2;
  Application application = Application::RestrictedLowDelay;
  int bitrate = 48000;  // bits per second
  int complexity = 5;   // 0-10
  bool inband_fec = true;
  int expected_loss_percent = 0;  // 0-100: how much LBRR SILK adds (Voip/Audio only)
  bool dtx = false;
  bool vbr = true;
};

class VoiceEncoder {
 public:
  // BadArgument for settings libopus refuses.
  static base::Expected<VoiceEncoder, CodecError> create(const EncoderSettings& settings);

  const EncoderSettings& settings() const { return settings_; }

  // Codes one frame: `pcm` interleaved, a duration Opus can code (2.5-20 ms for
  // RestrictedLowDelay, up to 60 ms otherwise); returns the payload size written into `out`
  // (kMaxEncodedBytes always suffices).
  base::Expected<std::size_t, CodecError> encode(std::span<const float> pcm,
                                                 std::span<std::uint8_t> out);
  // Becomes an exact copy of `other` (created with the same settings; complexity and expected
  // loss may differ, and are copied): the next frames it codes are the ones `other` would code.
  // libopus keeps an encoder in one block without pointers into itself, so a byte copy is a
  // faithful copy (tests check it bit for bit). Returns false, changing nothing, when the two
  // differ in settings.
  bool copy_state_from(const VoiceEncoder& other);
  // Forgets the stream (as a fresh encoder with the same settings).
  void reset();
  // Changes the expected loss (how much FEC SILK adds); clamped to 0-100.
  void set_expected_loss(int percent);
  // Changes the complexity (0-10, clamped) from the next frame on; the stream goes on.
  void set_complexity(int complexity);

  // Bytes of libopus state one encoder with these channels and application holds.
  static std::size_t state_bytes(
      int channels,
      EncoderSettings::Application application = EncoderSettings::Application::RestrictedLowDelay);

 private:
  VoiceEncoder(const EncoderSettings& settings, std::size_t bytes);
  bool celt_only() const {
    return settings_.application == EncoderSettings::Application::RestrictedLowDelay;
  }
  ::OpusEncoder* state() const;         // !celt_only()
  ::OpusCustomEncoder* celt() const;    // celt_only()
  int control(int request, int value);  // an OPUS_SET_* request with an int, to either coder

  EncoderSettings settings_;
  std::size_t bytes_ = 0;
  std::unique_ptr<unsigned char[]> storage_;
};

}  // namespace webvox::mixer
