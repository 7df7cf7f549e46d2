#include "rtc/rtp/slot_sequencer.hpp"

#include <algorithm>

namespace webvox::rtc::rtp {

std::string_view to_string(SlotDrop drop) {
  switch (drop) {
    case SlotDrop::Duplicate:
      return "duplicate";
    case SlotDrop::OlderThanSwitch:
      return "older than the source's first packet in the slot";
    case SlotDrop::TooLate:
      return "beyond the reorder window";
    case SlotDrop::FromFormerSource:
      return "late packet of a former source";
  }
  return "unknown drop";
}

SlotSequencer::SlotSequencer(SlotSequencerConfig config) : config_(config) {}

base::Expected<SlotPacket, SlotDrop> SlotSequencer::map(const SourcePacket& packet,
                                                        Clock::time_point now) {
  if (!started_) {
    started_ = true;
    return start_source(packet, config_.first_sequence_number, config_.first_timestamp, now);
  }
  if (packet.ssrc == current_ssrc_) return map_current_source(packet, now);
  if (is_late_from_former_source(packet)) return base::unexpected(SlotDrop::FromFormerSource);
  return switch_source(packet, now);
}

SlotPacket SlotSequencer::start_source(const SourcePacket& packet,
                                       std::uint16_t out_sequence_number,
                                       std::uint32_t out_timestamp, Clock::time_point now) {
  current_ssrc_ = packet.ssrc;
  highest_extended_sequence_ = packet.sequence_number;
  first_extended_sequence_ = packet.sequence_number;
  forwarded_mask_ = 1;
  sequence_offset_ = static_cast<std::uint16_t>(out_sequence_number - packet.sequence_number);
  timestamp_offset_ = out_timestamp - packet.timestamp;
  last_out_sequence_ = out_sequence_number;
  last_out_timestamp_ = out_timestamp;
  last_out_time_ = now;
  return SlotPacket{out_sequence_number, out_timestamp, true};
}

SlotPacket SlotSequencer::switch_source(const SourcePacket& packet, Clock::time_point now) {
  retire_current_source();
  forget_former_source(packet.ssrc);
  const auto out_sequence = static_cast<std::uint16_t>(last_out_sequence_ + 1);
  const std::uint32_t out_timestamp = last_out_timestamp_ + switch_gap(now);
  return start_source(packet, out_sequence, out_timestamp, now);
}

base::Expected<SlotPacket, SlotDrop> SlotSequencer::map_current_source(const SourcePacket& packet,
                                                                       Clock::time_point now) {
  const auto highest16 = static_cast<std::uint16_t>(highest_extended_sequence_);
  const auto delta = static_cast<std::int16_t>(packet.sequence_number - highest16);
  const std::int64_t extended = highest_extended_sequence_ + delta;

  if (extended > highest_extended_sequence_) {
    const std::int64_t advance = extended - highest_extended_sequence_;
    forwarded_mask_ = advance >= 64 ? 0 : forwarded_mask_ << advance;
    forwarded_mask_ |= 1;
    highest_extended_sequence_ = extended;
    const SlotPacket out = mapped(packet, false);
    last_out_sequence_ = out.sequence_number;
    last_out_timestamp_ = out.timestamp;
    last_out_time_ = now;
    return out;
  }
  if (extended < first_extended_sequence_) return base::unexpected(SlotDrop::OlderThanSwitch);
  const std::int64_t behind = highest_extended_sequence_ - extended;
  if (behind >= kReorderWindow) return base::unexpected(SlotDrop::TooLate);
  const std::uint64_t bit = std::uint64_t{1} << behind;
  if ((forwarded_mask_ & bit) != 0) return base::unexpected(SlotDrop::Duplicate);
  forwarded_mask_ |= bit;
  return mapped(packet, false);
}

SlotPacket SlotSequencer::mapped(const SourcePacket& packet, bool switched) const {
  return SlotPacket{static_cast<std::uint16_t>(packet.sequence_number + sequence_offset_),
                    packet.timestamp + timestamp_offset_, switched};
}

bool SlotSequencer::is_late_from_former_source(const SourcePacket& packet) const {
  return std::any_of(former_sources_.begin(), former_sources_.end(), [&](const FormerSource& f) {
    if (!f.valid || f.ssrc != packet.ssrc) return false;
    const auto delta =
        static_cast<std::int16_t>(packet.sequence_number - f.highest_sequence_number);
    return delta <= 0;
  });
}

void SlotSequencer::retire_current_source() {
  forget_former_source(current_ssrc_);
  former_sources_[next_former_slot_] =
      FormerSource{current_ssrc_, static_cast<std::uint16_t>(highest_extended_sequence_), true};
  next_former_slot_ = (next_former_slot_ + 1) % former_sources_.size();
}

void SlotSequencer::forget_former_source(std::uint32_t ssrc) {
  for (auto& former : former_sources_) {
    if (former.valid && former.ssrc == ssrc) former.valid = false;
  }
}

std::uint32_t SlotSequencer::switch_gap(Clock::time_point now) const {
  using std::chrono::microseconds;
  // A day is far beyond any real pause and keeps the multiplication below from overflowing;
  // the timestamp wraps modulo 2^32 anyway.
  constexpr auto kLongestGap = std::chrono::hours(24);
  const auto elapsed =
      std::clamp<Clock::duration>(now - last_out_time_, Clock::duration::zero(), kLongestGap);
  const auto micros =
      static_cast<std::uint64_t>(std::chrono::duration_cast<microseconds>(elapsed).count());
  const auto ticks = static_cast<std::uint32_t>(micros * config_.clock_rate / 1'000'000);
  return std::max(ticks, config_.min_switch_gap);
}

}  // namespace webvox::rtc::rtp
