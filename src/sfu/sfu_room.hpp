#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/steady_time.hpp"
#include "core/channel_properties.hpp"
#include "core/hearing.hpp"
#include "rtc/rtp/slot_sequencer.hpp"
#include "sfu/audio_level_tracker.hpp"
#include "sfu/slot_allocator.hpp"

namespace webvox::sfu {

// Where a listener's forwarded packets go: its media transport in webvoxd (which encrypts and
// queues them), a counter in benchmarks. `buffer` holds the packet in its first `length` bytes
// and has room for the SRTP trailer after them.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  virtual void send_rtp(std::span<std::uint8_t> buffer, std::size_t length) = 0;
};

// How one member's own offer numbered what the room reads and rewrites: clients differ
// (Chromium: Opus 111, audio level 1; Firefox: Opus 109; aiortc: Opus 96, audio level 2), and
// one channel may hold them all.
struct MemberFormat {
  std::uint8_t opus_payload_type = 111;
  std::uint8_t audio_level_extension_id = 1;
};

struct SfuRoomSettings {
  std::size_t trailer_room = 148;  // SrtpSession::kMaxTrailer
  SlotAllocator::Settings slots;
};

// The selective forwarding of one channel: each speaker's Opus packets go, undecoded, to the
// listeners that hear it (core::decide_hearing: range, floor) and have it on one of their
// receive slots (SlotAllocator: the loudest), rewritten so each slot is one continuous stream.
// Pure: packets and time come in, packets go out through sinks. One thread drives it.
class SfuRoom {
 public:
  using Clock = base::SteadyClock;

  struct SlotUpdate {
    std::string listener;
    std::size_t slot = 0;
    std::optional<std::string> speaker;  // none: the slot fell silent
  };
  struct Counters {
    std::uint64_t received = 0;
    std::uint64_t forwarded = 0;        // packets sent to a listener's slot
    std::uint64_t forwarded_bytes = 0;  // their RTP bytes, before SRTP
    std::uint64_t malformed = 0;        // not an RTP packet
    std::uint64_t unknown_speaker = 0;  // from nobody in the room (left since it was sent)
    std::uint64_t unrouted = 0;         // nobody had the speaker on a slot
    std::uint64_t not_opus = 0;  // another payload type than the speaker's Opus: not forwarded
    // Copies for one listener's slot that its SlotSequencer refused, by rtc::rtp::SlotDrop.
    std::uint64_t slot_duplicate = 0, slot_older_than_switch = 0, slot_too_late = 0,
                  slot_from_former_source = 0;

    Counters& operator+=(const Counters& other);
  };

  SfuRoom(core::ChannelProperties channel, SfuRoomSettings settings);
  ~SfuRoom();

  // `slot_ssrcs`: the SSRCs the listener's SDP announced for its receive slots, one per slot.
  // `format`: its packets are read by it as a speaker, and forwarded packets are rewritten to
  // it as a listener (the Opus payload type).
  void add(const std::string& member, PacketSink& sink, std::vector<std::uint32_t> slot_ssrcs,
           core::Role role = core::Role::Participant, MemberFormat format = {});
  void remove(const std::string& member);
  void place(const std::string& member, const core::Position& position);
  void set_floor(const std::string& member, bool floor);

  // A speaker's decrypted RTP packet.
  void on_rtp(const std::string& speaker, std::span<const std::uint8_t> packet,
              Clock::time_point now);

  // Re-decides who hears whom and who is on which slot; call every few tens of milliseconds.
  // Returns what changed, for telling each listener who is on which slot.
  std::vector<SlotUpdate> decide(Clock::time_point now);

  const Counters& counters() const { return counters_; }
  std::size_t size() const { return members_.size(); }

 private:
  struct Member;
  struct Route {
    Member* listener;
    std::size_t slot;
  };

  Member* find(const std::string& member);
  void forward(const Route& route, std::span<const std::uint8_t> packet, std::uint32_t source_ssrc,
               std::uint16_t sequence, std::uint32_t timestamp, Clock::time_point now);
  void rebuild_routes();

  core::ChannelProperties channel_;
  SfuRoomSettings settings_;
  std::map<std::string, std::unique_ptr<Member>> members_;
  std::vector<std::uint8_t> scratch_;
  Counters counters_;
};

}  // namespace webvox::sfu
