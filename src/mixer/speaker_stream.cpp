#include "mixer/speaker_stream.hpp"

#include <algorithm>
#include <cmath>

namespace webvox::mixer {

VoiceDecoder& SpeakerStream::decoder() {
  if (!decoder_) decoder_ = std::make_unique<VoiceDecoder>(VoiceDecoder::Channels::Mono);
  return *decoder_;
}

std::span<float> SpeakerStream::grow(std::size_t samples) {
  if (leading_zeros_ > 0) {
    queue_.insert(queue_.begin(), leading_zeros_, 0.0f);
    leading_zeros_ = 0;
  }
  const std::size_t at = queue_.size();
  queue_.resize(at + samples);
  return std::span<float>(queue_).subspan(at, samples);
}

void SpeakerStream::grow_silence(std::size_t samples) {
  if (queue_.empty()) {
    leading_zeros_ += samples;
  } else {
    queue_.resize(queue_.size() + samples);
  }
}

bool SpeakerStream::silent(const PlayoutStep& step) {
  if (step.payload.size() <= kDtxPayloadBytes) return true;
  if (step.level_minus_dbov && *step.level_minus_dbov >= kSilentLevel) {
    return ++silent_run_ > kSilentHangoverPackets;
  }
  silent_run_ = 0;
  return false;
}

void SpeakerStream::conceal(std::size_t samples) {
  auto out = grow(samples);
  if (!decoder().conceal(out)) {
    std::fill(out.begin(), out.end(), 0.0f);
  }
  ++counters_.concealed;
}

void SpeakerStream::decode_packet(const PlayoutStep& step) {
  auto out = grow(step.samples);
  const auto decoded = decoder().decode(step.payload, out);
  if (decoded && *decoded == step.samples) {
    ++counters_.decoded;
  } else {
    // The buffer checked the header; a frame inside can still be corrupt. Conceal its time.
    ++counters_.decode_error;
    queue_.resize(queue_.size() - step.samples);
    conceal(step.samples);
  }
}

void SpeakerStream::decode_gap(const PlayoutStep& step) {
  auto out = grow(step.samples);
  if (!decoder().decode_fec(step.payload, out)) {
    queue_.resize(queue_.size() - step.samples);
    conceal(step.samples);
    return;
  }
  ++counters_.fec_recovered;
}

SpeakerStream::Frame SpeakerStream::render() {
  // Drop what the last tick handed out; what remains (of a packet longer than a tick) is
  // this tick's start.
  if (consumed_) {
    consumed_ = false;
    const std::size_t from_zeros = std::min(leading_zeros_, kTickSamples);
    leading_zeros_ -= from_zeros;
    queue_.erase(queue_.begin(),
                 queue_.begin() + static_cast<std::ptrdiff_t>(kTickSamples - from_zeros));
  }

  Frame frame;
  bool decoded_now = false;
  while (queued() < kTickSamples) {
    const PlayoutStep step = buffer_.next();
    if (step.kind == PlayoutStep::Kind::Packet) {
      if (!frame.first_arrival) frame.first_arrival = step.arrival;
      tail_used_ = 0;
      if (silent(step)) {
        ++counters_.skipped_silent;
        grow_silence(step.samples);
        decoded_audio_last_ = false;
      } else {
        decode_packet(step);
        decoded_audio_last_ = true;
        decoded_now = true;
      }
    } else if (step.kind == PlayoutStep::Kind::Gap) {
      if (decoded_audio_last_) {
        decode_gap(step);
        decoded_now = true;
      } else {
        grow_silence(step.samples);
      }
    } else if (step.kind == PlayoutStep::Kind::Underrun && decoded_audio_last_ &&
               tail_used_ < kConcealTailSamples) {
      const std::size_t wanted =
          std::min(kTickSamples - queued(), kConcealTailSamples - tail_used_);
      conceal(wanted);
      buffer_.note_concealed(wanted);
      tail_used_ += wanted;
      decoded_now = true;
    } else {
      // Idle, or an underrun after silence or a spent tail: the speaker has stopped.
      if (step.kind == PlayoutStep::Kind::Underrun) buffer_.pause();
      decoded_audio_last_ = false;
      grow_silence(kTickSamples - queued());
    }
  }
  buffer_.end_tick();
  consumed_ = true;

  if (decoded_now) {
    ticks_without_decode_ = 0;
  } else if (decoder_ && ++ticks_without_decode_ >= kReleaseDecoderTicks) {
    decoder_.reset();
    decoded_audio_last_ = false;
    if (queue_.empty()) std::vector<float>().swap(queue_);
    buffer_.release_memory();
  }
  // Only silence this tick (it is all leading zeros): nothing to mix.
  if (leading_zeros_ >= kTickSamples) return frame;
  // Some audio: the zeros before it become samples too (grow() did that).
  const std::span<const float> samples(queue_.data(), kTickSamples);
  double energy = 0;
  for (const float sample : samples) energy += double{sample} * sample;
  frame.rms = static_cast<float>(std::sqrt(energy / kTickSamples));
  if (frame.rms >= kAudibleRms) {
    frame.audible = true;
    frame.samples = samples;
  } else {
    frame.rms = 0;
  }
  return frame;
}

std::size_t SpeakerStream::heap_bytes() const {
  std::size_t bytes = queue_.capacity() * sizeof(float) + buffer_.heap_bytes();
  if (decoder_) bytes += VoiceDecoder::state_bytes(VoiceDecoder::Channels::Mono);
  return bytes;
}

}  // namespace webvox::mixer
