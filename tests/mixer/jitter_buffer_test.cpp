#include "mixer/jitter_buffer.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace webvox::mixer {
namespace {

using Kind = PlayoutStep::Kind;
using Push = JitterBuffer::PushResult;

// Opus TOC bytes (RFC 6716 §3.1): only the header matters to the buffer.
constexpr std::uint8_t kCelt20ms = 31 << 3;  // 960 samples
constexpr std::uint8_t kCelt10ms = 30 << 3;  // 480
constexpr std::uint8_t kSilk60ms = 11 << 3;  // 2880

const TimePoint kStart{std::chrono::seconds(100)};

struct Feed {
  std::vector<std::uint8_t> payload;
  SpeakerPacket packet(std::uint16_t sequence, std::uint32_t timestamp, TimePoint at = kStart) {
    return SpeakerPacket{sequence, timestamp, payload, at, std::nullopt};
  }
};

std::vector<std::uint8_t> opus_payload(std::uint8_t toc, std::uint8_t tag = 0) {
  return {toc, tag, 0x55, 0xAA};
}

void expect_balanced(const JitterBuffer& buffer) {
  const auto& c = buffer.counters();
  EXPECT_EQ(c.pushed, c.played + buffer.queued_packets() + c.malformed + c.late + c.duplicate +
                          c.overflow + c.trimmed);
}

// Pushes packet `sequence` of a 20 ms stream (timestamp 960 per packet).
Push push20(JitterBuffer& buffer, std::uint16_t sequence, std::uint32_t base_timestamp = 0,
            std::uint8_t tag = 0) {
  const auto payload = opus_payload(kCelt20ms, tag);
  return buffer.push(
      SpeakerPacket{sequence, base_timestamp + 960u * sequence, payload, kStart, std::nullopt});
}

TEST(JitterBuffer, IdleUntilAPacketThenPlaysItAtOnce) {
  JitterBuffer buffer;
  EXPECT_EQ(buffer.next().kind, Kind::Idle);
  EXPECT_EQ(push20(buffer, 7, 0, 7), Push::Queued);
  const auto step = buffer.next();
  ASSERT_EQ(step.kind, Kind::Packet);
  EXPECT_EQ(step.samples, 960u);
  EXPECT_EQ(step.payload[1], 7);
  EXPECT_EQ(buffer.next().kind, Kind::Underrun);
  expect_balanced(buffer);
}

TEST(JitterBuffer, ReordersWithinTheWindow) {
  JitterBuffer buffer;
  for (const std::uint16_t s : {10, 12, 11, 14, 13})
    EXPECT_EQ(push20(buffer, s, 0, static_cast<std::uint8_t>(s)), Push::Queued);
  for (int s = 10; s <= 14; ++s) {
    const auto step = buffer.next();
    ASSERT_EQ(step.kind, Kind::Packet);
    EXPECT_EQ(step.payload[1], s);
  }
  EXPECT_EQ(buffer.counters().lost, 0u);
  expect_balanced(buffer);
}

TEST(JitterBuffer, DropsDuplicatesAndLatePackets) {
  JitterBuffer buffer;
  push20(buffer, 1);
  EXPECT_EQ(push20(buffer, 1), Push::Duplicate);
  ASSERT_EQ(buffer.next().kind, Kind::Packet);
  EXPECT_EQ(push20(buffer, 1), Push::Late);  // already played
  // Packet 2 misses its tick: the caller conceals, then it arrives with 3 behind it.
  EXPECT_EQ(buffer.next().kind, Kind::Underrun);
  buffer.note_concealed(960);
  push20(buffer, 2, 0, 2);
  push20(buffer, 3, 0, 3);
  // A rare late arrival: 2 is skipped (its time was concealed), 3 plays on time, no gap.
  auto step = buffer.next();
  ASSERT_EQ(step.kind, Kind::Packet);
  EXPECT_EQ(step.payload[1], 3);
  EXPECT_EQ(buffer.counters().duplicate, 1u);
  EXPECT_EQ(buffer.counters().late, 2u);
  EXPECT_EQ(buffer.queued_packets(), 0u);
  expect_balanced(buffer);
}

// A stream that comes late once in a while keeps its delay; one that comes late often
// makes the buffer grow a frame instead of concealing every time.
TEST(JitterBuffer, RareLateArrivalsAreSkippedFrequentOnesGrowTheBuffer) {
  JitterBuffer buffer;
  std::uint16_t sequence = 1;
  const auto on_time = [&] {
    push20(buffer, sequence, 0, static_cast<std::uint8_t>(sequence));
    const auto step = buffer.next();
    ASSERT_EQ(step.kind, Kind::Packet);
    EXPECT_EQ(step.payload[1], static_cast<std::uint8_t>(sequence));
    ++sequence;
    buffer.end_tick();
  };
  // Packet `sequence` misses its tick and arrives with the next one: returns what played.
  const auto late = [&] {
    EXPECT_EQ(buffer.next().kind, Kind::Underrun);
    buffer.note_concealed(960);
    buffer.end_tick();
    push20(buffer, sequence, 0, static_cast<std::uint8_t>(sequence));
    push20(buffer, static_cast<std::uint16_t>(sequence + 1), 0,
           static_cast<std::uint8_t>(sequence + 1));
    const auto step = buffer.next();
    EXPECT_EQ(step.kind, Kind::Packet);
    buffer.end_tick();
    sequence = static_cast<std::uint16_t>(sequence + 2);
    return step.payload.empty() ? 0 : step.payload[1];
  };
  for (int i = 0; i < 2 * JitterBuffer::kTrimWindowTicks; ++i) on_time();
  // Rare: the late one is skipped, the next plays in its own tick, nothing is left queued.
  const auto first = sequence;
  EXPECT_EQ(late(), static_cast<std::uint8_t>(first + 1));
  EXPECT_EQ(buffer.queued_packets(), 0u);
  for (int i = 0; i < 5; ++i) on_time();
  // A second late arrival within the window: it plays, the next waits a tick (grown).
  const auto second = sequence;
  EXPECT_EQ(late(), static_cast<std::uint8_t>(second));
  EXPECT_EQ(buffer.queued_packets(), 1u);
  EXPECT_EQ(buffer.counters().late, 1u);
  expect_balanced(buffer);
}

TEST(JitterBuffer, AGapBeforeAQueuedPacketIsReportedWithItsLength) {
  JitterBuffer buffer;
  push20(buffer, 100);
  ASSERT_EQ(buffer.next().kind, Kind::Packet);
  push20(buffer, 102, 0, 2);  // 101 lost
  auto step = buffer.next();
  ASSERT_EQ(step.kind, Kind::Gap);
  EXPECT_EQ(step.samples, 960u);
  EXPECT_EQ(step.payload[1], 2);  // FEC comes from the packet after the gap
  step = buffer.next();
  ASSERT_EQ(step.kind, Kind::Packet);
  EXPECT_EQ(step.payload[1], 2);
  EXPECT_EQ(buffer.counters().lost, 1u);
  expect_balanced(buffer);
}

TEST(JitterBuffer, ConcealmentAlreadyDoneShortensTheGap) {
  JitterBuffer buffer;
  push20(buffer, 100);
  ASSERT_EQ(buffer.next().kind, Kind::Packet);
  ASSERT_EQ(buffer.next().kind, Kind::Underrun);
  buffer.note_concealed(960);  // 101's time was concealed
  push20(buffer, 103);         // 101 and 102 lost
  const auto step = buffer.next();
  ASSERT_EQ(step.kind, Kind::Gap);
  EXPECT_EQ(step.samples, 960u);  // 102's time is still missing
  EXPECT_EQ(buffer.counters().lost, 2u);
}

TEST(JitterBuffer, GapsTooLongToConcealAreSkipped) {
  JitterBuffer buffer;
  push20(buffer, 100);
  ASSERT_EQ(buffer.next().kind, Kind::Packet);
  push20(buffer, 110);  // 9 missing: 180 ms
  const auto step = buffer.next();
  EXPECT_EQ(step.kind, Kind::Packet);
  EXPECT_EQ(buffer.counters().lost, 9u);
}

TEST(JitterBuffer, GapLengthComesFromTimestampsWhenPacketsAreNot20ms) {
  JitterBuffer buffer;
  const auto ten = opus_payload(kCelt10ms);
  buffer.push(SpeakerPacket{1, 480, ten, kStart, std::nullopt});
  ASSERT_EQ(buffer.next().samples, 480u);
  buffer.push(SpeakerPacket{3, 1440, ten, kStart, std::nullopt});  // 2 (480 samples) lost
  const auto step = buffer.next();
  ASSERT_EQ(step.kind, Kind::Gap);
  EXPECT_EQ(step.samples, 480u);
  // 60 ms packets: one covers three ticks.
  JitterBuffer long_packets;
  const auto sixty = opus_payload(kSilk60ms);
  long_packets.push(SpeakerPacket{1, 0, sixty, kStart, std::nullopt});
  EXPECT_EQ(long_packets.next().samples, 2880u);
}

TEST(JitterBuffer, SequenceAndTimestampWrap) {
  JitterBuffer buffer;
  const auto payload = opus_payload(kCelt20ms);
  std::uint16_t sequence = 65533;
  std::uint32_t timestamp = 0xFFFFFFFFu - 960 * 2;
  for (int i = 0; i < 6; ++i) {
    if (i == 3) {  // lose the packet after the wrap of both
      sequence++;
      timestamp += 960;
      continue;
    }
    buffer.push(SpeakerPacket{sequence++, timestamp, payload, kStart, std::nullopt});
    timestamp += 960;
  }
  int packets = 0;
  for (int i = 0; i < 6; ++i) {
    const auto step = buffer.next();
    if (step.kind == Kind::Packet) ++packets;
    if (step.kind == Kind::Gap) {
      EXPECT_EQ(step.samples, 960u);
    }
  }
  EXPECT_EQ(packets, 5);
  EXPECT_EQ(buffer.counters().lost, 1u);
  EXPECT_EQ(buffer.counters().late, 0u);
  expect_balanced(buffer);
}

TEST(JitterBuffer, RefusesWhatIsNotAnOpusPacket) {
  JitterBuffer buffer;
  const std::vector<std::uint8_t> empty;
  const std::vector<std::uint8_t> huge(kMaxPayloadBytes + 1, kCelt20ms);
  const std::vector<std::uint8_t> bad_count = {(31 << 3) | 3};    // code 3 without its count byte
  const std::vector<std::uint8_t> too_long = {(31 << 3) | 3, 7};  // 7 × 20 ms > 120 ms
  for (const auto* payload : {&empty, &huge, &bad_count, &too_long}) {
    EXPECT_EQ(buffer.push(SpeakerPacket{1, 0, *payload, kStart, std::nullopt}), Push::Malformed);
  }
  EXPECT_EQ(buffer.counters().malformed, 4u);
  EXPECT_EQ(buffer.next().kind, Kind::Idle);
  expect_balanced(buffer);
}

TEST(JitterBuffer, AStrayPacketIsDroppedTwoInARowRestartTheStream) {
  JitterBuffer buffer;
  push20(buffer, 100);
  ASSERT_EQ(buffer.next().kind, Kind::Packet);
  push20(buffer, 101);
  EXPECT_EQ(push20(buffer, 30000), Push::Overflow);
  EXPECT_EQ(push20(buffer, 102), Push::Queued);  // the stream goes on
  EXPECT_EQ(push20(buffer, 20000), Push::Overflow);
  EXPECT_EQ(push20(buffer, 20001), Push::Queued);  // restarted there
  EXPECT_EQ(buffer.counters().resyncs, 1u);
  auto step = buffer.next();
  ASSERT_EQ(step.kind, Kind::Packet);
  EXPECT_EQ(push20(buffer, 20002), Push::Queued);
  EXPECT_EQ(push20(buffer, 101), Push::Late);  // far behind now, a stray
  expect_balanced(buffer);
}

TEST(JitterBuffer, AnIdleStreamRestartsAnywhere) {
  JitterBuffer buffer;
  push20(buffer, 100);
  ASSERT_EQ(buffer.next().kind, Kind::Packet);
  ASSERT_EQ(buffer.next().kind, Kind::Underrun);
  buffer.pause();
  EXPECT_EQ(push20(buffer, 5000), Push::Queued);
  EXPECT_EQ(buffer.next().kind, Kind::Packet);
  // Resuming after a pause where the sender skipped numbers: they count as lost.
  buffer.pause();
  push20(buffer, 5003);
  EXPECT_EQ(buffer.next().kind, Kind::Packet);
  EXPECT_EQ(buffer.counters().lost, 2u);
}

TEST(JitterBuffer, TrimsQueuedAudioBeyondTheBound) {
  JitterBuffer buffer;
  // A stall releases ten packets at once.
  for (std::uint16_t s = 1; s <= 10; ++s) push20(buffer, s, 0, static_cast<std::uint8_t>(s));
  ASSERT_EQ(buffer.next().kind, Kind::Packet);  // 1
  buffer.end_tick();
  EXPECT_LE(buffer.queued_samples(), JitterBuffer::kMaxQueuedSamples);
  EXPECT_EQ(buffer.counters().trimmed, 6u);
  const auto step = buffer.next();
  ASSERT_EQ(step.kind, Kind::Packet);
  EXPECT_EQ(step.payload[1], 8);  // the oldest were dropped
  expect_balanced(buffer);
}

TEST(JitterBuffer, ASecondWithAFrameToSpareTrimsOneFrame) {
  JitterBuffer buffer;
  std::uint16_t sequence = 1;
  push20(buffer, sequence++);  // one frame ahead from the start
  for (int tick = 0; tick < JitterBuffer::kTrimWindowTicks; ++tick) {
    push20(buffer, sequence++);
    ASSERT_EQ(buffer.next().kind, Kind::Packet);
    buffer.end_tick();
  }
  EXPECT_EQ(buffer.counters().trimmed, 1u);
  EXPECT_EQ(buffer.queued_packets(), 0u);
  // In step from then on: nothing more is trimmed.
  for (int tick = 0; tick < 3 * JitterBuffer::kTrimWindowTicks; ++tick) {
    push20(buffer, sequence++);
    ASSERT_EQ(buffer.next().kind, Kind::Packet);
    buffer.end_tick();
  }
  EXPECT_EQ(buffer.counters().trimmed, 1u);
}

TEST(JitterBuffer, FloodOfRandomPacketsStaysBoundedAndAccountedFor) {
  JitterBuffer buffer;
  std::mt19937 random(42);
  std::vector<std::uint8_t> payload(kMaxPayloadBytes, 0);
  payload[0] = kCelt20ms;
  for (int i = 0; i < 100000; ++i) {
    const auto sequence = static_cast<std::uint16_t>(random());
    buffer.push(SpeakerPacket{sequence, static_cast<std::uint32_t>(random()), payload, kStart,
                              std::nullopt});
    EXPECT_LE(buffer.queued_packets(), JitterBuffer::kSlots);
    if (i % 7 == 0) {
      for (int k = 0; k < 3; ++k) {
        const auto step = buffer.next();
        if (step.kind == Kind::Underrun) buffer.pause();
        if (step.kind == Kind::Packet || step.kind == Kind::Idle) break;
      }
      buffer.end_tick();
    }
  }
  expect_balanced(buffer);
  EXPECT_GT(buffer.counters().overflow + buffer.counters().late, 50000u);
}

}  // namespace
}  // namespace webvox::mixer
