// A speaker's jitter buffer: RTP packets (already parsed and decrypted by the caller) in, in
// any order; the stream out in order, one step at a time, for the decoder to turn into audio.
// Small on purpose: a packet plays at the first tick after it arrives when the stream is in
// order. A packet that comes after its time was concealed is skipped when that is rare (no
// more than one such late arrival in the last one to two seconds) and the packet after it
// is already here: the concealment stands for it and the delay stays as it was. When packets
// come late more often, or the next is not here yet, the late one plays and the buffer grows
// by the concealment it had to do; it trims itself back when a whole second passed with audio
// to spare, and never holds more than kMaxQueuedSamples. Memory is bounded by kSlots payloads of at
// most kMaxPayloadBytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "mixer/audio_format.hpp"

namespace webvox::mixer {

// One RTP packet of a speaker, as the caller parsed it. `payload` is only read during push.
struct SpeakerPacket {
  std::uint16_t sequence_number = 0;
  std::uint32_t timestamp = 0;  // 48 kHz units (RFC 7587)
  std::span<const std::uint8_t> payload;
  TimePoint arrival{};
  // The RFC 6464 audio level when the sender negotiated it: 0 (loudest) … 127 (silence) -dBov.
  std::optional<std::uint8_t> level_minus_dbov;
};

// What became of pushed packets. Every push ends in exactly one of: played (handed out as a
// Packet step), still queued, or one of the drop reasons below, so
// pushed == played + queued + malformed + late + duplicate + overflow + trimmed.
struct JitterCounters {
  std::uint64_t pushed = 0;
  std::uint64_t played = 0;
  std::uint64_t malformed = 0;  // empty, too long, or not an Opus packet (TOC/frame count)
  std::uint64_t late = 0;       // its turn had passed (concealed or skipped), or a repeat of one
  std::uint64_t duplicate = 0;  // the same sequence number is already queued
  std::uint64_t overflow = 0;   // too far ahead of the stream, or discarded by a restart
  std::uint64_t trimmed = 0;    // dropped to bring the delay back down
  std::uint64_t lost = 0;       // sequence numbers passed over that never arrived
  std::uint64_t resyncs = 0;    // the stream restarted at a far-off sequence number

  JitterCounters& operator+=(const JitterCounters& other) {
    pushed += other.pushed;
    played += other.played;
    malformed += other.malformed;
    late += other.late;
    duplicate += other.duplicate;
    overflow += other.overflow;
    trimmed += other.trimmed;
    lost += other.lost;
    resyncs += other.resyncs;
    return *this;
  }
};

// The next thing the stream holds.
struct PlayoutStep {
  enum class Kind {
    Packet,    // play `payload` (its `samples` of audio); it is consumed
    Gap,       // `samples` of audio are missing before `payload` (the next packet, still
               // queued: FEC can rebuild the end of the gap from it)
    Underrun,  // the stream is behind: nothing to play yet. Conceal (and say so with
               // note_concealed) or pause().
    Idle,      // nothing queued and not playing
  };
  Kind kind = Kind::Idle;
  std::span<const std::uint8_t> payload;  // valid until the next push or next()
  std::size_t samples = 0;
  TimePoint arrival{};                           // Packet
  std::optional<std::uint8_t> level_minus_dbov;  // Packet
};

class JitterBuffer {
 public:
  // Packets held at once (a reorder window of 320 ms at 20 ms per packet).
  static constexpr std::size_t kSlots = 16;
  // Audio queued beyond the frame being played; more is trimmed at once (60 ms).
  static constexpr std::size_t kMaxQueuedSamples = 3 * kTickSamples;
  // Longer gaps (while packets after them are already here) are skipped, not concealed:
  // concealing them would add their length to the delay.
  static constexpr std::size_t kMaxGapSamples = 3 * kTickSamples;
  // Ticks over which the smallest queue is watched; a full frame queued the whole time is one
  // frame of needless delay, and is trimmed.
  static constexpr int kTrimWindowTicks = 50;
  // The late arrival (a packet whose time was concealed), counted within this trim window and
  // the one before, from which on a late packet is played (the buffer grows) instead of
  // skipped: the second within one to two seconds.
  static constexpr int kLateArrivalsToGrow = 2;
  // Sequence numbers this far behind the stream are not late but stray (or a restart).
  static constexpr int kFarBehind = 100;

  enum class PushResult { Queued, Malformed, Late, Duplicate, Overflow };

  PushResult push(const SpeakerPacket& packet);
  // The next step of the stream (see PlayoutStep). Call until the tick has its audio.
  PlayoutStep next();
  // During an Underrun the caller concealed this many samples: when the missing packet then
  // arrives, that much of the gap before it is already covered.
  void note_concealed(std::size_t samples);
  // The caller stopped concealing: idle until a packet arrives.
  void pause();
  // Once per tick, after the tick's steps: keeps the delay bounded.
  void end_tick();

  // Gives back the payload storage of empty slots (kept otherwise, to be reused).
  void release_memory();
  // Heap bytes held for payloads.
  std::size_t heap_bytes() const;

  bool playing() const { return playing_; }
  std::size_t queued_packets() const { return queued_; }
  std::size_t queued_samples() const;
  const JitterCounters& counters() const { return counters_; }

 private:
  struct Slot {
    bool used = false;
    std::int64_t sequence = 0;  // extended
    std::uint32_t timestamp = 0;
    std::uint32_t samples = 0;
    TimePoint arrival{};
    std::optional<std::uint8_t> level;
    std::vector<std::uint8_t> payload;
  };

  std::int64_t extend(std::uint16_t sequence) const;
  Slot& slot_for(std::int64_t sequence) {
    return slots_[static_cast<std::size_t>(sequence) % kSlots];
  }
  Slot* find(std::int64_t sequence);
  Slot* oldest();
  void store(std::int64_t sequence, const SpeakerPacket& packet, std::uint32_t samples);
  void release(Slot& slot);
  PushResult stray(const SpeakerPacket& packet, std::uint32_t samples, bool behind);
  void restart_at(std::int64_t sequence);
  void drop_oldest();

  std::array<Slot, kSlots> slots_{};
  std::size_t queued_ = 0;
  bool started_ = false;  // a first packet set the sequence origin
  bool playing_ = false;
  std::int64_t next_sequence_ = 0;  // extended; the packet due next
  bool have_expected_timestamp_ = false;
  std::uint32_t expected_timestamp_ = 0;  // of the packet due next, from the last one played
  std::uint32_t last_samples_ = kTickSamples;
  std::size_t concealed_credit_ = 0;  // concealed during underruns since the last packet
  std::optional<std::uint16_t> last_stray_;
  int window_ticks_ = 0;
  int late_window_ticks_ = 0;
  int late_arrivals_ = 0;         // in this trim window
  int late_arrivals_before_ = 0;  // in the one before
  std::size_t window_min_queued_ = SIZE_MAX;
  JitterCounters counters_;
};

}  // namespace webvox::mixer
