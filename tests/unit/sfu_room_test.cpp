// Selective forwarding in one channel: who gets whose packets, on which slot, rewritten how.
#include <gtest/gtest.h>

#include "rtc/rtp/rtp_packet.hpp"
#include "rtp_test_packets.hpp"
#include "sfu/sfu_room.hpp"

using namespace webvox;
using namespace webvox::sfu;
using Clock = SfuRoom::Clock;

namespace {

// Opus with an RFC 6464 audio level (one-byte header extension, id 1 unless told): voice at
// -20 dBov.
std::vector<std::uint8_t> voice_packet(std::uint32_t ssrc, std::uint16_t sequence,
                                       std::uint32_t timestamp, std::uint8_t level = 20,
                                       std::uint8_t extension_id = 1) {
  auto p = test::voice_packet({111, false, sequence, timestamp, ssrc}, level, 40, 0, extension_id);
  // A payload of the sender's own: ssrc + i.
  for (std::size_t i = 0; i < 40; ++i) p[p.size() - 40 + i] = static_cast<std::uint8_t>(ssrc + i);
  return p;
}

struct RecordingSink : PacketSink {
  std::vector<rtc::rtp::RtpPacketView> views;
  std::vector<std::vector<std::uint8_t>> packets;
  void send_rtp(std::span<std::uint8_t> buffer, std::size_t length) override {
    EXPECT_GE(buffer.size(), length + 148);  // room for the SRTP trailer
    packets.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(length));
  }
  std::vector<std::uint32_t> ssrcs() const {
    std::vector<std::uint32_t> out;
    for (const auto& p : packets) out.push_back(rtc::rtp::parse_rtp_packet(p)->ssrc);
    return out;
  }
  std::size_t count_from_payload(std::uint32_t speaker_ssrc) const {
    // Payload bytes start at the speaker's ssrc (see voice_packet): tells whose voice it is.
    std::size_t n = 0;
    for (const auto& p : packets)
      n += rtc::rtp::parse_rtp_packet(p)->payload[0] == static_cast<std::uint8_t>(speaker_ssrc);
    return n;
  }
};

struct Room {
  core::ChannelProperties channel;  // linear, ref 10, max 60, r 2: silent from 35 m
  SfuRoomSettings settings;
  std::unique_ptr<SfuRoom> room;
  std::map<std::string, RecordingSink> sinks;
  Clock::time_point now = Clock::now();

  explicit Room(core::ChannelMode mode = core::ChannelMode::Open, std::size_t slots = 2) {
    channel.mode = mode;
    settings.slots.slots = slots;
    room = std::make_unique<SfuRoom>(channel, settings);
  }
  void add(const std::string& id, double x, std::uint32_t ssrc_base,
           core::Role role = core::Role::Participant, std::size_t slots = 2) {
    std::vector<std::uint32_t> ssrcs;
    for (std::size_t i = 0; i < slots; ++i)
      ssrcs.push_back(ssrc_base + static_cast<std::uint32_t>(i));
    room->add(id, sinks[id], ssrcs, role);
    room->place(id, {x, 0, 0, 0});
  }
  // Every speaker sends one 20 ms packet; then the room decides.
  void talk(const std::vector<std::pair<std::string, std::uint32_t>>& speakers, int packets,
            std::uint16_t first_sequence = 1) {
    for (int i = 0; i < packets; ++i) {
      for (const auto& [id, ssrc] : speakers) {
        const auto seq = static_cast<std::uint16_t>(first_sequence + i);
        room->on_rtp(id, voice_packet(ssrc, seq, seq * 960u), now);
      }
      now += std::chrono::milliseconds(20);
      room->decide(now);
    }
  }
};

}  // namespace

TEST(SfuRoom, ListenersGetTheSpeakersInRangeOnTheirOwnSlots) {
  Room r;
  r.add("l", 0, 1000);
  r.add("a", 5, 2000);
  r.add("b", 25, 3000);
  r.add("c", 40, 4000);  // 40 m from l: silent for l, so never sent to l
  r.talk({{"a", 0xA}, {"b", 0xB}, {"c", 0xC}}, 50);
  const auto& l = r.sinks["l"];
  EXPECT_GT(l.count_from_payload(0xA), 40u);
  EXPECT_GT(l.count_from_payload(0xB), 40u);
  EXPECT_EQ(l.count_from_payload(0xC), 0u);
  for (const auto ssrc : l.ssrcs()) EXPECT_TRUE(ssrc == 1000 || ssrc == 1001) << ssrc;
  // c hears b (15 m) but not a (35 m, exactly where the voice falls silent).
  EXPECT_GT(r.sinks["c"].count_from_payload(0xB), 40u);
  EXPECT_EQ(r.sinks["c"].count_from_payload(0xA), 0u);
  EXPECT_EQ(r.sinks["a"].count_from_payload(0xA), 0u);  // never one's own voice
}

TEST(SfuRoom, EachSlotIsOneContinuousStream) {
  Room r;
  r.add("l", 0, 1000, core::Role::Participant, 1);  // one slot: speakers must take turns
  r.add("a", 5, 2000);
  r.add("b", 6, 3000);
  r.talk({{"a", 0xA}}, 30, 100);
  r.now += std::chrono::seconds(3);  // a falls silent for longer than the hold time
  r.room->decide(r.now);
  r.talk({{"b", 0xB}}, 30, 5000);
  const auto& packets = r.sinks["l"].packets;
  ASSERT_GT(packets.size(), 50u);
  std::uint16_t previous_sequence = 0;
  std::uint32_t previous_timestamp = 0;
  bool switched = false;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const auto view = rtc::rtp::parse_rtp_packet(packets[i]);
    EXPECT_EQ(view->ssrc, 1000u);
    if (i > 0) {
      EXPECT_EQ(view->sequence_number, static_cast<std::uint16_t>(previous_sequence + 1));
      EXPECT_GT(view->timestamp, previous_timestamp);
      if (view->payload[0] == 0xB && !switched) {
        switched = true;
        EXPECT_TRUE(view->marker);                                    // a new voice on the slot
        EXPECT_GE(view->timestamp - previous_timestamp, 48000u * 3);  // the silence, in time
      }
    }
    previous_sequence = view->sequence_number;
    previous_timestamp = view->timestamp;
  }
  EXPECT_TRUE(switched);
}

TEST(SfuRoom, WithoutTheFloorNothingIsForwarded) {
  Room r(core::ChannelMode::Lecture);
  r.add("m", 0, 1000, core::Role::Moderator);
  r.add("p", 3, 2000);
  r.talk({{"m", 0xD}, {"p", 0xE}}, 20);
  EXPECT_EQ(r.sinks["m"].count_from_payload(0xE), 0u);
  EXPECT_GT(r.sinks["p"].count_from_payload(0xD), 10u);
  r.room->set_floor("p", true);
  r.talk({{"p", 0xE}}, 20, 100);
  EXPECT_GT(r.sinks["m"].count_from_payload(0xE), 10u);
}

TEST(SfuRoom, SilentSpeakersTakeNoSlotAndMalformedPacketsAreCounted) {
  Room r;
  r.add("l", 0, 1000);
  r.add("a", 5, 2000);
  for (int i = 0; i < 20; ++i) {
    r.room->on_rtp("a", voice_packet(0xA, static_cast<std::uint16_t>(i), i * 960u, 127), r.now);
    r.now += std::chrono::milliseconds(20);
    r.room->decide(r.now);
  }
  EXPECT_TRUE(r.sinks["l"].packets.empty());
  r.room->on_rtp("a", std::vector<std::uint8_t>{0x80, 111, 0}, r.now);
  EXPECT_EQ(r.room->counters().malformed, 1u);
  EXPECT_EQ(r.room->counters().unknown_speaker, 0u);
  // A well-formed packet from someone not in the room is no malformed packet.
  r.room->on_rtp("nobody", voice_packet(1, 1, 1), r.now);
  EXPECT_EQ(r.room->counters().unknown_speaker, 1u);
  EXPECT_EQ(r.room->counters().malformed, 1u);
}

TEST(SfuRoom, ADuplicatePacketIsCountedAsASlotDrop) {
  Room r;
  r.add("l", 0, 1000);
  r.add("a", 5, 2000);
  r.talk({{"a", 0xA}}, 10);
  const auto forwarded = r.room->counters().forwarded;
  const auto unrouted = r.room->counters().unrouted;  // before the first decision
  ASSERT_GT(forwarded, 0u);
  const auto sent = r.sinks["l"].packets.size();
  EXPECT_EQ(r.room->counters().forwarded_bytes, forwarded * voice_packet(0xA, 1, 960).size());
  // Packet 10 again (talk sent 1…10): the listener's slot has sent it already.
  r.room->on_rtp("a", voice_packet(0xA, 10, 10 * 960u), r.now);
  EXPECT_EQ(r.sinks["l"].packets.size(), sent);
  EXPECT_EQ(r.room->counters().forwarded, forwarded);
  EXPECT_EQ(r.room->counters().slot_duplicate, 1u);
  EXPECT_EQ(r.room->counters().slot_too_late, 0u);
  EXPECT_EQ(r.room->counters().unrouted, unrouted);
}

TEST(SfuRoom, LeavingStopsForwardingAtOnce) {
  Room r;
  r.add("l", 0, 1000);
  r.add("a", 5, 2000);
  r.talk({{"a", 0xA}}, 10);
  const auto before = r.sinks["l"].packets.size();
  r.room->remove("l");
  r.talk({{"a", 0xA}}, 10, 500);
  EXPECT_EQ(r.sinks["l"].packets.size(), before);
  EXPECT_EQ(r.room->size(), 1u);
}

TEST(SfuRoom, EachMembersOwnNumberingIsReadAndWritten) {
  // Chromium numbers Opus 111 and the audio level extension 1, aiortc 96 and 2; one channel
  // may have both. Each speaker's level is read where its offer put it (else it would seem
  // silent and get no slot), and each listener gets the Opus number it offered (else it would
  // drop the packets as an unknown payload type).
  Room r;
  r.add("l", 0, 1000);  // the defaults: 111 and 1
  r.add("a", 5, 2000);
  r.room->add("b", r.sinks["b"], {3000, 3001}, core::Role::Participant, MemberFormat{96, 2});
  r.room->place("b", {6, 0, 0, 0});
  for (int i = 0; i < 50; ++i) {
    const auto seq = static_cast<std::uint16_t>(1 + i);
    r.room->on_rtp("a", voice_packet(0xA, seq, seq * 960u), r.now);
    auto from_b = voice_packet(0xB, seq, seq * 960u, 20, 2);
    from_b[1] = 96;
    r.room->on_rtp("b", from_b, r.now);
    r.room->on_rtp("b", voice_packet(0xC, seq, seq * 960u, 20, 2), r.now);  // 111: not b's Opus
    r.now += std::chrono::milliseconds(20);
    r.room->decide(r.now);
  }
  EXPECT_GT(r.sinks["l"].count_from_payload(0xA), 40u);
  EXPECT_GT(r.sinks["l"].count_from_payload(0xB), 40u);
  EXPECT_EQ(r.sinks["l"].count_from_payload(0xC), 0u);
  EXPECT_EQ(r.room->counters().not_opus, 50u);
  for (const auto& p : r.sinks["l"].packets)
    EXPECT_EQ(rtc::rtp::parse_rtp_packet(p)->payload_type, 111);
  ASSERT_GT(r.sinks["b"].count_from_payload(0xA), 40u);
  for (const auto& p : r.sinks["b"].packets)
    EXPECT_EQ(rtc::rtp::parse_rtp_packet(p)->payload_type, 96);
}
