#include "rtc/rtp/slot_sequencer.hpp"

#include <gtest/gtest.h>

namespace webvox::rtc::rtp {
namespace {

using namespace std::chrono_literals;
using Clock = SlotSequencer::Clock;

constexpr std::uint32_t kA = 0xaaaa0001;
constexpr std::uint32_t kB = 0xbbbb0002;
constexpr std::uint32_t kC = 0xcccc0003;
constexpr std::uint32_t kFrame = 960;  // 20 ms at 48 kHz

class SlotSequencerTest : public ::testing::Test {
 protected:
  SlotPacket forward(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts) {
    const auto out = sequencer.map({ssrc, seq, ts}, now);
    EXPECT_TRUE(out.has_value()) << "dropped: " << to_string(out.error());
    return out.has_value() ? out.value() : SlotPacket{};
  }
  SlotDrop drop(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts) {
    const auto out = sequencer.map({ssrc, seq, ts}, now);
    EXPECT_FALSE(out.has_value()) << "forwarded as " << out.value().sequence_number;
    return out.has_value() ? SlotDrop::Duplicate : out.error();
  }

  SlotSequencer sequencer{SlotSequencerConfig{48000, 1000, 50000, kFrame}};
  Clock::time_point now = Clock::time_point{} + 1h;
};

TEST_F(SlotSequencerTest, FirstSourceStartsAtTheConfiguredNumbersAndKeepsItsSpacing) {
  const SlotPacket first = forward(kA, 40000, 7777);
  EXPECT_EQ(first.sequence_number, 1000);
  EXPECT_EQ(first.timestamp, 50000u);
  EXPECT_TRUE(first.source_switched);
  now += 20ms;
  const SlotPacket second = forward(kA, 40001, 7777 + kFrame);
  EXPECT_EQ(second.sequence_number, 1001);
  EXPECT_EQ(second.timestamp, 50000u + kFrame);
  EXPECT_FALSE(second.source_switched);
  // A DTX gap inside one source is kept as the sender made it.
  now += 400ms;
  const SlotPacket after_dtx = forward(kA, 40002, 7777 + 21 * kFrame);
  EXPECT_EQ(after_dtx.sequence_number, 1002);
  EXPECT_EQ(after_dtx.timestamp, 50000u + 21 * kFrame);
}

TEST_F(SlotSequencerTest, SwitchContinuesSequenceAndAdvancesTimestampByWallClock) {
  forward(kA, 100, 1000);
  now += 20ms;
  forward(kA, 101, 1000 + kFrame);  // out 1001, ts 50960
  now += 300ms;
  const SlotPacket switched = forward(kB, 9000, 123456789);
  EXPECT_TRUE(switched.source_switched);
  EXPECT_EQ(switched.sequence_number, 1002);
  EXPECT_EQ(switched.timestamp, 50000u + kFrame + 300 * 48);
  now += 20ms;
  const SlotPacket next = forward(kB, 9001, 123456789 + kFrame);
  EXPECT_EQ(next.sequence_number, 1003);
  EXPECT_EQ(next.timestamp, switched.timestamp + kFrame);
}

TEST_F(SlotSequencerTest, ImmediateSwitchAdvancesAtLeastOneFrame) {
  forward(kA, 100, 1000);
  const SlotPacket switched = forward(kB, 5, 5);  // same instant
  EXPECT_EQ(switched.sequence_number, 1001);
  EXPECT_EQ(switched.timestamp, 50000u + kFrame);
}

TEST_F(SlotSequencerTest, SwitchingBackToAFormerSourceStartsAFreshMapping) {
  forward(kA, 100, 1000);
  now += 20ms;
  forward(kB, 500, 90000);  // 1001
  now += 20ms;
  forward(kB, 501, 90000 + kFrame);  // 1002
  now += 100ms;
  const SlotPacket back = forward(kA, 110, 1000 + 10 * kFrame);
  EXPECT_TRUE(back.source_switched);
  EXPECT_EQ(back.sequence_number, 1003);
  now += 20ms;
  EXPECT_EQ(forward(kA, 111, 1000 + 11 * kFrame).sequence_number, 1004);
}

TEST_F(SlotSequencerTest, DropsLatePacketsOfAFormerSource) {
  forward(kA, 100, 1000);
  forward(kA, 101, 1000 + kFrame);
  now += 20ms;
  forward(kB, 500, 90000);
  // A's packet 99 or 101 again arriving after B took over must not switch back.
  EXPECT_EQ(drop(kA, 101, 1000 + kFrame), SlotDrop::FromFormerSource);
  EXPECT_EQ(drop(kA, 99, 1000 - kFrame), SlotDrop::FromFormerSource);
  EXPECT_EQ(forward(kB, 501, 90000 + kFrame).sequence_number, 1003);
}

TEST_F(SlotSequencerTest, ReorderedPacketsOfTheCurrentSourceMapConsistently) {
  forward(kA, 200, 0);           // 1000
  forward(kA, 202, 2 * kFrame);  // 1002
  forward(kA, 203, 3 * kFrame);  // 1003
  const SlotPacket late = forward(kA, 201, kFrame);
  EXPECT_EQ(late.sequence_number, 1001);
  EXPECT_EQ(late.timestamp, 50000u + kFrame);
  // The late packet does not move the slot's head: the next one still follows 1003.
  EXPECT_EQ(forward(kA, 204, 4 * kFrame).sequence_number, 1004);
}

TEST_F(SlotSequencerTest, ReorderedAcrossASwitchIsDroppedNotMappedOntoTheOldSpeaker) {
  forward(kA, 100, 1000);
  now += 20ms;
  forward(kB, 700, 7000);  // B's first packet in the slot: 1001
  now += 20ms;
  forward(kB, 701, 7000 + kFrame);  // 1002
  // B's 699 was sent before B took the slot; mapping it would reuse A's number 1000.
  EXPECT_EQ(drop(kB, 699, 7000 - kFrame), SlotDrop::OlderThanSwitch);
}

TEST_F(SlotSequencerTest, DropsDuplicatesAndPacketsBeyondTheReorderWindow) {
  forward(kA, 10, 0);
  forward(kA, 11, kFrame);
  EXPECT_EQ(drop(kA, 11, kFrame), SlotDrop::Duplicate);
  EXPECT_EQ(drop(kA, 10, 0), SlotDrop::Duplicate);
  for (std::uint16_t seq = 12; seq < 100; ++seq) forward(kA, seq, seq * kFrame);
  // 10 and 11 forwarded long ago, 12..99 too: anything 64 or more behind is too late.
  EXPECT_EQ(drop(kA, 30, 30 * kFrame), SlotDrop::TooLate);
  EXPECT_EQ(drop(kA, 99, 99 * kFrame), SlotDrop::Duplicate);
}

TEST_F(SlotSequencerTest, LostPacketThenLateArrivalFillsTheGap) {
  forward(kA, 10, 0);
  // 11 is late: a jump over it leaves a hole the receiver can fill with FEC or the late packet.
  EXPECT_EQ(forward(kA, 12, 2 * kFrame).sequence_number, 1002);
  EXPECT_EQ(forward(kA, 11, kFrame).sequence_number, 1001);
  EXPECT_EQ(drop(kA, 11, kFrame), SlotDrop::Duplicate);
}

TEST_F(SlotSequencerTest, SourceSequenceAndTimestampWrapAreFollowed) {
  forward(kA, 0xfffe, 0xfffffc40);  // 1000, 50000
  const SlotPacket a = forward(kA, 0xffff, 0xfffffc40 + kFrame);
  const SlotPacket b = forward(kA, 0x0000, 0xfffffc40 + 2 * kFrame);  // ts wraps too
  const SlotPacket c = forward(kA, 0x0001, 0xfffffc40 + 3 * kFrame);
  EXPECT_EQ(a.sequence_number, 1001);
  EXPECT_EQ(b.sequence_number, 1002);
  EXPECT_EQ(c.sequence_number, 1003);
  EXPECT_EQ(b.timestamp, 50000u + 2 * kFrame);
  EXPECT_EQ(c.timestamp, 50000u + 3 * kFrame);
  // Late packet from before the wrap still maps.
  EXPECT_EQ(drop(kA, 0xffff, 0), SlotDrop::Duplicate);
}

TEST(SlotSequencer, OutputSequenceAndTimestampWrapAcrossASwitch) {
  SlotSequencer sequencer(SlotSequencerConfig{48000, 0xffff, 0xffffffff - 100, kFrame});
  auto now = Clock::time_point{} + 1h;
  const auto first = sequencer.map({kA, 5, 5}, now);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->sequence_number, 0xffff);
  now += 40ms;
  const auto switched = sequencer.map({kB, 9, 9}, now);
  ASSERT_TRUE(switched.has_value());
  EXPECT_EQ(switched->sequence_number, 0);
  EXPECT_EQ(switched->timestamp, static_cast<std::uint32_t>(0xffffffffu - 100 + 40 * 48));
  now += 20ms;
  const auto next = sequencer.map({kB, 10, 9 + kFrame}, now);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->sequence_number, 1);
  EXPECT_EQ(next->timestamp, switched->timestamp + kFrame);
}

TEST_F(SlotSequencerTest, ManySwitchesStayGapFree) {
  std::uint16_t expected = 1000;
  std::uint32_t last_ts = 0;
  const std::uint32_t sources[] = {kA, kB, kC, kA, kC, kB};
  std::uint16_t seq[3] = {100, 30000, 65530};
  for (int round = 0; round < 6; ++round) {
    const std::uint32_t ssrc = sources[round];
    const int index = ssrc == kA ? 0 : ssrc == kB ? 1 : 2;
    for (int i = 0; i < 5; ++i) {
      const SlotPacket out = forward(ssrc, seq[index]++, static_cast<std::uint32_t>(i) * kFrame);
      EXPECT_EQ(out.sequence_number, expected++);
      if (round + i > 0) {
        EXPECT_GT(static_cast<std::int32_t>(out.timestamp - last_ts), 0);
      }
      last_ts = out.timestamp;
      now += 20ms;
    }
    seq[index] += 50;  // the speaker keeps talking to other slots meanwhile
  }
}

TEST_F(SlotSequencerTest, ClockGoingBackwardsStillAdvancesAFrame) {
  forward(kA, 1, 1);
  now -= 5s;
  EXPECT_EQ(forward(kB, 1, 1).timestamp, 50000u + kFrame);
}

}  // namespace
}  // namespace webvox::rtc::rtp
