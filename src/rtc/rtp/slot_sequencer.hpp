#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "base/expected.hpp"

// One receive slot of a listener: packets of whichever speaker currently occupies the slot go
// out as one continuous RTP stream (one SSRC, gap-free sequence numbers, monotonic timestamps).
//
// Within one source the mapping is a fixed offset, so reordered packets and Opus in-band FEC
// (which recovers packet n from packet n+1 and needs their numbering to stay adjacent) work as
// they would end to end. A switch continues the sequence at +1, so the receiver sees no loss and
// never tries to conceal across two different voices, and advances the timestamp by the
// wall-clock time since the last packet, so its jitter buffer plays the new voice on time.
namespace webvox::rtc::rtp {

struct SlotSequencerConfig {
  std::uint32_t clock_rate = 48000;
  std::uint16_t first_sequence_number = 0;
  std::uint32_t first_timestamp = 0;
  // At least one 20 ms Opus frame between the last packet of one speaker and the first of the
  // next, so their frames never overlap even if the switch happens within one packet interval.
  std::uint32_t min_switch_gap = 960;
};

struct SourcePacket {
  std::uint32_t ssrc = 0;
  std::uint16_t sequence_number = 0;
  std::uint32_t timestamp = 0;
};

struct SlotPacket {
  std::uint16_t sequence_number = 0;
  std::uint32_t timestamp = 0;
  // First packet of a new speaker in this slot (the forwarder may set the marker bit).
  bool source_switched = false;
};

enum class SlotDrop {
  Duplicate,
  // Sent by the current source before it took the slot: its offset would map it onto the
  // numbers the previous speaker used.
  OlderThanSwitch,
  // Later than the reorder window: the receiver has long given up on it.
  TooLate,
  // A late packet of a speaker that has since left the slot.
  FromFormerSource,
};

std::string_view to_string(SlotDrop drop);

class SlotSequencer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SlotSequencer(SlotSequencerConfig config = {});

  base::Expected<SlotPacket, SlotDrop> map(const SourcePacket& packet, Clock::time_point now);

  static constexpr std::int64_t kReorderWindow = 64;

 private:
  struct FormerSource {
    std::uint32_t ssrc = 0;
    std::uint16_t highest_sequence_number = 0;
    bool valid = false;
  };

  SlotPacket start_source(const SourcePacket& packet, std::uint16_t out_sequence_number,
                          std::uint32_t out_timestamp, Clock::time_point now);
  SlotPacket switch_source(const SourcePacket& packet, Clock::time_point now);
  base::Expected<SlotPacket, SlotDrop> map_current_source(const SourcePacket& packet,
                                                          Clock::time_point now);
  bool is_late_from_former_source(const SourcePacket& packet) const;
  void retire_current_source();
  void forget_former_source(std::uint32_t ssrc);
  std::uint32_t switch_gap(Clock::time_point now) const;
  SlotPacket mapped(const SourcePacket& packet, bool switched) const;

  SlotSequencerConfig config_;
  bool started_ = false;
  std::uint32_t current_ssrc_ = 0;
  // Sequence numbers of the current source extended past 16 bits.
  std::int64_t highest_extended_sequence_ = 0;
  std::int64_t first_extended_sequence_ = 0;
  // Bit i: highest - i has been forwarded.
  std::uint64_t forwarded_mask_ = 0;
  std::uint16_t sequence_offset_ = 0;
  std::uint32_t timestamp_offset_ = 0;
  std::uint16_t last_out_sequence_ = 0;
  std::uint32_t last_out_timestamp_ = 0;
  Clock::time_point last_out_time_{};
  std::array<FormerSource, 4> former_sources_{};
  std::size_t next_former_slot_ = 0;
};

}  // namespace webvox::rtc::rtp
