#include "mixer/jitter_buffer.hpp"

#include <opus.h>

#include <limits>

namespace webvox::mixer {
namespace {

// The extended sequence number of the first packet: far from 0 so a stream that starts by
// going backwards stays positive.
constexpr std::int64_t kSequenceOrigin = std::int64_t{1} << 32;

// The packet's duration, or 0 when it is not an Opus packet this buffer can play.
std::uint32_t packet_samples(std::span<const std::uint8_t> payload) {
  if (payload.empty() || payload.size() > kMaxPayloadBytes) return 0;
  const int samples = opus_packet_get_nb_samples(
      payload.data(), static_cast<opus_int32>(payload.size()), kSampleRate);
  if (samples <= 0 || static_cast<std::size_t>(samples) > kMaxPacketSamples ||
      samples % static_cast<int>(kOpusGranuleSamples) != 0) {
    return 0;
  }
  return static_cast<std::uint32_t>(samples);
}

}  // namespace

std::int64_t JitterBuffer::extend(std::uint16_t sequence) const {
  const auto delta = static_cast<std::int16_t>(
      static_cast<std::uint16_t>(sequence - static_cast<std::uint16_t>(next_sequence_)));
  return next_sequence_ + delta;
}

JitterBuffer::Slot* JitterBuffer::find(std::int64_t sequence) {
  Slot& slot = slot_for(sequence);
  return slot.used && slot.sequence == sequence ? &slot : nullptr;
}

JitterBuffer::Slot* JitterBuffer::oldest() {
  Slot* best = nullptr;
  if (queued_ == 0) return best;
  for (Slot& slot : slots_) {
    if (slot.used && (!best || slot.sequence < best->sequence)) best = &slot;
  }
  return best;
}

std::size_t JitterBuffer::queued_samples() const {
  std::size_t total = 0;
  for (const Slot& slot : slots_) {
    if (slot.used) total += slot.samples;
  }
  return total;
}

void JitterBuffer::release_memory() {
  for (Slot& slot : slots_) {
    if (!slot.used) std::vector<std::uint8_t>().swap(slot.payload);
  }
}

std::size_t JitterBuffer::heap_bytes() const {
  std::size_t total = 0;
  for (const Slot& slot : slots_) total += slot.payload.capacity();
  return total;
}

void JitterBuffer::store(std::int64_t sequence, const SpeakerPacket& packet,
                         std::uint32_t samples) {
  Slot& slot = slot_for(sequence);
  slot.used = true;
  slot.sequence = sequence;
  slot.timestamp = packet.timestamp;
  slot.samples = samples;
  slot.arrival = packet.arrival;
  slot.level = packet.level_minus_dbov;
  slot.payload.assign(packet.payload.begin(), packet.payload.end());
  ++queued_;
}

void JitterBuffer::release(Slot& slot) {
  slot.used = false;
  --queued_;
}

void JitterBuffer::restart_at(std::int64_t sequence) {
  for (Slot& slot : slots_) {
    if (slot.used) {
      release(slot);
      ++counters_.overflow;
    }
  }
  next_sequence_ = sequence;
  playing_ = false;
  have_expected_timestamp_ = false;
  concealed_credit_ = 0;
  last_stray_.reset();
  ++counters_.resyncs;
}

JitterBuffer::PushResult JitterBuffer::stray(const SpeakerPacket& packet, std::uint32_t samples,
                                             bool behind) {
  // One far-off packet is a stray; two in sequence are the stream starting over there
  // (RFC 3550 A.1's rule). An idle buffer with nothing queued has nothing to protect.
  const bool follows_stray =
      last_stray_ && static_cast<std::uint16_t>(*last_stray_ + 1) == packet.sequence_number;
  if (follows_stray || (!playing_ && queued_ == 0)) {
    // The new origin keeps the packet's low 16 bits, so later packets extend around it.
    const std::int64_t base = next_sequence_ - static_cast<std::uint16_t>(next_sequence_);
    restart_at(base + packet.sequence_number);
    store(next_sequence_, packet, samples);
    return PushResult::Queued;
  }
  last_stray_ = packet.sequence_number;
  if (behind) {
    ++counters_.late;
    return PushResult::Late;
  }
  ++counters_.overflow;
  return PushResult::Overflow;
}

JitterBuffer::PushResult JitterBuffer::push(const SpeakerPacket& packet) {
  ++counters_.pushed;
  const std::uint32_t samples = packet_samples(packet.payload);
  if (samples == 0) {
    ++counters_.malformed;
    return PushResult::Malformed;
  }
  if (!started_) {
    started_ = true;
    next_sequence_ = kSequenceOrigin + packet.sequence_number;
    store(next_sequence_, packet, samples);
    return PushResult::Queued;
  }
  const std::int64_t sequence = extend(packet.sequence_number);
  const std::int64_t ahead = sequence - next_sequence_;
  if (ahead < -kFarBehind) return stray(packet, samples, true);
  if (ahead < 0) {
    ++counters_.late;
    return PushResult::Late;
  }
  if (ahead >= static_cast<std::int64_t>(kSlots)) return stray(packet, samples, false);
  last_stray_.reset();
  if (find(sequence)) {
    ++counters_.duplicate;
    return PushResult::Duplicate;
  }
  store(sequence, packet, samples);
  return PushResult::Queued;
}

PlayoutStep JitterBuffer::next() {
  if (!playing_) {
    Slot* first = oldest();
    if (!first) return {};
    // A talk spurt (or the first): play from its oldest packet at once. Sequence numbers
    // passed over while idle never arrived.
    counters_.lost += static_cast<std::uint64_t>(first->sequence - next_sequence_);
    next_sequence_ = first->sequence;
    have_expected_timestamp_ = false;
    concealed_credit_ = 0;
    playing_ = true;
  }
  if (Slot* due = find(next_sequence_)) {
    if (concealed_credit_ >= due->samples) {
      // Its time was concealed already: it came late.
      ++late_arrivals_;
      const bool rare = late_arrivals_ + late_arrivals_before_ < kLateArrivalsToGrow;
      if (rare && find(next_sequence_ + 1)) {
        // Skipped: the concealment stands for it, and the next plays now, on time.
        concealed_credit_ -= due->samples;
        expected_timestamp_ = due->timestamp + due->samples;
        have_expected_timestamp_ = true;
        last_samples_ = due->samples;
        ++next_sequence_;
        ++counters_.late;
        release(*due);
        return next();
      }
    }
    PlayoutStep step;
    step.kind = PlayoutStep::Kind::Packet;
    step.payload = due->payload;
    step.samples = due->samples;
    step.arrival = due->arrival;
    step.level_minus_dbov = due->level;
    expected_timestamp_ = due->timestamp + due->samples;
    have_expected_timestamp_ = true;
    last_samples_ = due->samples;
    concealed_credit_ = 0;
    ++next_sequence_;
    ++counters_.played;
    // The payload's storage stays valid (the slot is only reused by a later push).
    release(*due);
    return step;
  }
  Slot* later = oldest();
  if (!later) {
    PlayoutStep step;
    step.kind = PlayoutStep::Kind::Underrun;
    return step;
  }
  // Packets are missing before one that is here: how much audio they held, by the timestamps
  // when those are sane, else by the duration of the packets around them.
  const auto missing = static_cast<std::uint64_t>(later->sequence - next_sequence_);
  std::int64_t gap = static_cast<std::int64_t>(missing * last_samples_);
  if (have_expected_timestamp_) {
    const auto by_timestamp = static_cast<std::int32_t>(later->timestamp - expected_timestamp_);
    if (by_timestamp > 0 &&
        static_cast<std::uint64_t>(by_timestamp) <= missing * kMaxPacketSamples) {
      gap = by_timestamp;
    }
  }
  counters_.lost += missing;
  next_sequence_ = later->sequence;
  gap -= static_cast<std::int64_t>(concealed_credit_);
  concealed_credit_ = 0;
  gap -= gap % static_cast<std::int64_t>(kOpusGranuleSamples);
  if (gap <= 0 || gap > static_cast<std::int64_t>(kMaxGapSamples)) return next();
  PlayoutStep step;
  step.kind = PlayoutStep::Kind::Gap;
  step.payload = later->payload;
  step.samples = static_cast<std::size_t>(gap);
  return step;
}

void JitterBuffer::note_concealed(std::size_t samples) { concealed_credit_ += samples; }

void JitterBuffer::pause() {
  playing_ = false;
  concealed_credit_ = 0;
}

void JitterBuffer::drop_oldest() {
  Slot* first = oldest();
  if (!first) return;
  counters_.lost += static_cast<std::uint64_t>(first->sequence - next_sequence_);
  next_sequence_ = first->sequence + 1;
  expected_timestamp_ = first->timestamp + first->samples;
  have_expected_timestamp_ = true;
  concealed_credit_ = 0;
  release(*first);
  ++counters_.trimmed;
}

void JitterBuffer::end_tick() {
  if (++late_window_ticks_ >= kTrimWindowTicks) {
    late_arrivals_before_ = late_arrivals_;
    late_arrivals_ = 0;
    late_window_ticks_ = 0;
  }
  if (!playing_) {
    window_ticks_ = 0;
    window_min_queued_ = SIZE_MAX;
    return;
  }
  std::size_t queued = queued_samples();
  while (queued > kMaxQueuedSamples) {
    drop_oldest();
    queued = queued_samples();
  }
  window_min_queued_ = std::min(window_min_queued_, queued);
  if (++window_ticks_ < kTrimWindowTicks) return;
  if (window_min_queued_ >= kTickSamples) drop_oldest();
  window_ticks_ = 0;
  window_min_queued_ = SIZE_MAX;
}

}  // namespace webvox::mixer
