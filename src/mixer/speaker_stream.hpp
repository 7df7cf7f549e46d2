// One speaker's audio: its jitter buffer, its decoder (mono), and the tick-sized frames the
// mixer takes. A speaker that stops sending, or sends only silence, stops costing decode work
// (after a short concealment tail) and, after a while, the decoder's memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "mixer/audio_format.hpp"
#include "mixer/jitter_buffer.hpp"
#include "mixer/voice_decoder.hpp"

namespace webvox::mixer {

struct DecodeCounters {
  std::uint64_t decoded = 0;         // packets decoded
  std::uint64_t concealed = 0;       // concealments (PLC) for late or missing packets
  std::uint64_t fec_recovered = 0;   // gaps decoded from the next packet's in-band FEC (libopus
                                     // conceals, inside that call, what the FEC does not cover)
  std::uint64_t decode_error = 0;    // packets libopus refused (concealed instead)
  std::uint64_t skipped_silent = 0;  // packets not decoded: DTX, or silent by their audio level

  DecodeCounters& operator+=(const DecodeCounters& other) {
    decoded += other.decoded;
    concealed += other.concealed;
    fec_recovered += other.fec_recovered;
    decode_error += other.decode_error;
    skipped_silent += other.skipped_silent;
    return *this;
  }
};

class SpeakerStream {
 public:
  // Concealment after the last packet, before the speaker counts as stopped (60 ms: Opus's
  // PLC has faded by then).
  static constexpr std::size_t kConcealTailSamples = 3 * kTickSamples;
  // A packet whose RFC 6464 level is this quiet or quieter (-65 dBov: below the noise floor of
  // a mix, even at the largest user gain, +6 dB) is silent…
  static constexpr std::uint8_t kSilentLevel = 65;
  // …and once this many silent packets came in a row (200 ms: word endings and soft
  // consonants are never cut) they are not decoded, until one is not silent.
  static constexpr int kSilentHangoverPackets = 10;
  // Packets of at most this size are Opus DTX frames: silence, never decoded.
  static constexpr std::size_t kDtxPayloadBytes = 2;
  // A frame quieter than this (RMS, full scale 1) is not mixed: -80 dBFS.
  static constexpr float kAudibleRms = 1e-4f;
  // Ticks without a decode before the decoder's memory is given back (5 s).
  static constexpr int kReleaseDecoderTicks = 250;

  JitterBuffer::PushResult push(const SpeakerPacket& packet) { return buffer_.push(packet); }

  struct Frame {
    bool audible = false;            // there is sound to mix (decoded, concealed, above -80 dBFS)
    std::span<const float> samples;  // kTickSamples mono samples when audible, else empty
    float rms = 0;                   // of this tick's samples, full scale 1 (0 when not audible)
    // The arrival of the first packet whose audio starts in this tick (for the delay figures).
    std::optional<TimePoint> first_arrival;
  };
  // This tick's audio. Call once per tick; the samples stay valid until the next call.
  Frame render();

  const JitterBuffer& buffer() const { return buffer_; }
  const DecodeCounters& counters() const { return counters_; }
  bool has_decoder() const { return decoder_ != nullptr; }
  // Heap bytes this stream holds now (decoder state, sample queue, queued payloads).
  std::size_t heap_bytes() const;

 private:
  bool silent(const PlayoutStep& step);
  std::span<float> grow(std::size_t samples);
  void grow_silence(std::size_t samples);
  std::size_t queued() const { return leading_zeros_ + queue_.size(); }
  void decode_packet(const PlayoutStep& step);
  void decode_gap(const PlayoutStep& step);
  void conceal(std::size_t samples);
  VoiceDecoder& decoder();

  JitterBuffer buffer_;
  std::unique_ptr<VoiceDecoder> decoder_;
  // Mono samples to play, the first kTickSamples this tick's: leading_zeros_ of silence (kept
  // as a count, so a silent speaker holds no sample memory), then queue_.
  std::size_t leading_zeros_ = 0;
  std::vector<float> queue_;
  bool consumed_ = false;            // the last render handed out the first kTickSamples
  bool decoded_audio_last_ = false;  // the last thing played was decoded audio (not silence)
  std::size_t tail_used_ = 0;        // concealed since the last packet
  int silent_run_ = 0;
  int ticks_without_decode_ = 0;
  DecodeCounters counters_;
};

}  // namespace webvox::mixer
