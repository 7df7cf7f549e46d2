#include "mix_reception.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "rtp_test_packets.hpp"

namespace webvox::load {
namespace {

constexpr std::uint64_t kMs = 1'000'000;
constexpr std::uint64_t kStart = 1'000'000 * kMs;  // an arbitrary monotonic time

// A 12-byte RTP header and `payload_bytes` of payload.
std::vector<std::uint8_t> packet(std::uint16_t sequence, std::uint32_t timestamp,
                                 std::size_t payload_bytes, std::uint32_t ssrc = 0x1234) {
  return test::rtp_packet({111, false, sequence, timestamp, ssrc}, payload_bytes, 0x11);
}

// Frames 0…count-1, each `transit` after its 20 ms slot, from timestamp `first`.
MixReception steady(std::size_t count, std::uint64_t transit, std::uint32_t first = 0) {
  MixReception reception;
  for (std::size_t f = 0; f < count; ++f) {
    reception.record(
        packet(static_cast<std::uint16_t>(f), first + static_cast<std::uint32_t>(960 * f), 80),
        kStart + f * 20 * kMs + transit);
  }
  return reception;
}

TEST(MixReception, ASteadyStreamHasEveryFrameOnTime) {
  const auto reception = steady(500, 3 * kMs);
  // The window covers slots 100…349: 250 frames due.
  const MeasurementWindow window{kStart + 100 * 20 * kMs, kStart + 350 * 20 * kMs};
  const auto counts = reception.count(window, 60 * kMs);
  EXPECT_EQ(counts.expected, 250u);
  EXPECT_EQ(counts.received, 250u);
  EXPECT_EQ(counts.late, 0u);
  EXPECT_EQ(counts.lost, 0u);
}

TEST(MixReception, TimestampsWrapWithoutLosingTheSchedule) {
  const auto reception = steady(400, 2 * kMs, 0xffffffffu - 960 * 100);
  const MeasurementWindow window{kStart + 50 * 20 * kMs, kStart + 250 * 20 * kMs};
  const auto counts = reception.count(window, 60 * kMs);
  EXPECT_EQ(counts.expected, 200u);
  EXPECT_EQ(counts.received, 200u);
  EXPECT_EQ(counts.lost, 0u);
}

TEST(MixReception, MissingAndDtxFramesAreLost) {
  MixReception reception;
  for (std::uint32_t f = 0; f < 300; ++f) {
    if (f >= 100 && f < 110) continue;  // a gap of ten
    const std::size_t bytes =
        (f >= 200 && f < 205) ? 1 : 80;  // five DTX frames where audio was due
    reception.record(packet(static_cast<std::uint16_t>(f), 960 * f, bytes), kStart + f * 20 * kMs);
  }
  const MeasurementWindow window{kStart, kStart + 300 * 20 * kMs};
  const auto counts = reception.count(window, 60 * kMs);
  EXPECT_EQ(counts.expected, 300u);
  EXPECT_EQ(counts.received, 285u);
  EXPECT_EQ(counts.lost, 15u);
  EXPECT_EQ(counts.dtx, 5u);
}

TEST(MixReception, FramesBehindTheServersScheduleAreLate) {
  MixReception reception;
  for (std::uint32_t f = 0; f < 300; ++f) {
    // A stall: frames 150…159 held back and sent in a burst at frame 160's time.
    const auto sent = (f >= 150 && f < 160) ? 160 : f;
    reception.record(packet(static_cast<std::uint16_t>(f), 960 * f, 80),
                     kStart + sent * 20 * kMs + kMs);
  }
  const MeasurementWindow window{kStart, kStart + 300 * 20 * kMs};
  const auto counts = reception.count(window, 60 * kMs);
  EXPECT_EQ(counts.received, 300u);
  // 200 ms … 20 ms behind: those more than 60 ms behind (150…156) are late.
  EXPECT_EQ(counts.late, 7u);
  EXPECT_EQ(counts.lost, 0u);
}

TEST(MixReception, AServerFallingBehindMakesEveryLaterFrameLate) {
  MixReception reception;
  for (std::uint32_t f = 0; f < 300; ++f) {
    // 21 ms per 20 ms frame from frame 100: one millisecond more behind each time.
    const auto drift = f > 100 ? (f - 100) * kMs : 0;
    reception.record(packet(static_cast<std::uint16_t>(f), 960 * f, 80),
                     kStart + f * 20 * kMs + drift);
  }
  const MeasurementWindow window{kStart, kStart + 300 * 20 * kMs};
  const auto counts = reception.count(window, 60 * kMs);
  EXPECT_EQ(counts.late, 300u - 161u);  // frames 161…299 are over 60 ms behind
}

TEST(MixReception, AStepBeforeTheWindowIsAShiftNotLateness) {
  // 230 ms more transit from frame 50 on (a stall while viewers were connecting); the window
  // starts at frame 200, more than 2 s later.
  MixReception reception;
  for (std::uint32_t f = 0; f < 600; ++f) {
    reception.record(packet(static_cast<std::uint16_t>(f), 960 * f, 80),
                     kStart + f * 20 * kMs + (f >= 50 ? 230 : 1) * kMs);
  }
  const MeasurementWindow window{kStart + 200 * 20 * kMs, kStart + 550 * 20 * kMs};
  const auto counts = reception.count(window, 60 * kMs);
  EXPECT_EQ(counts.expected, 350u);
  EXPECT_EQ(counts.received, 350u);
  EXPECT_EQ(counts.late, 0u);
  EXPECT_EQ(reception.shift_before(window), static_cast<std::int64_t>(229 * kMs));
}

TEST(MixReception, AStallInTheWindowMakesTheNextTwoSecondsLate) {
  MixReception reception;
  for (std::uint32_t f = 0; f < 600; ++f) {
    reception.record(packet(static_cast<std::uint16_t>(f), 960 * f, 80),
                     kStart + f * 20 * kMs + (f >= 300 ? 200 : 1) * kMs);
  }
  const MeasurementWindow window{kStart + 200 * 20 * kMs, kStart + 550 * 20 * kMs};
  const auto counts = reception.count(window, 60 * kMs);
  // Frames 300…399 are judged against the 1 ms transit of the frames before the stall.
  EXPECT_EQ(counts.late, 100u);
}

TEST(MixReception, TheClockRateShowsAServerRunningSlow) {
  MixReception reception;
  for (std::uint32_t f = 0; f < 500; ++f) {
    reception.record(packet(static_cast<std::uint16_t>(f), 960 * f, 80),
                     kStart + std::uint64_t{f} * 20'330'000);
  }
  const MeasurementWindow window{kStart, kStart + 500 * 20 * kMs};
  ASSERT_TRUE(reception.clock_rate(window));
  EXPECT_NEAR(*reception.clock_rate(window), 20.0 / 20.33, 1e-6);
}

TEST(MixReception, NothingReceivedIsEverythingLost) {
  const MixReception reception;
  const MeasurementWindow window{kStart, kStart + 2000 * kMs};
  const auto counts = reception.count(window, 60 * kMs);
  EXPECT_EQ(counts.expected, 100u);
  EXPECT_EQ(counts.lost, 100u);
}

TEST(MixReception, DuplicatesAndOtherStreamsDoNotCount) {
  auto reception = steady(100, kMs);
  reception.record(packet(50, 960 * 50, 80), kStart + 50 * 20 * kMs + 2 * kMs);
  reception.record(packet(7, 960 * 7, 80, 0x9999), kStart + 7 * 20 * kMs);
  const MeasurementWindow window{kStart, kStart + 100 * 20 * kMs};
  const auto counts = reception.count(window, 60 * kMs);
  EXPECT_EQ(counts.received, 100u);
  EXPECT_EQ(counts.packets, 101u);
}

TEST(MixReception, SkipsOverDtxTimestampStepsAsOneScheduledFrameEach) {
  // webvoxd's listener hearing nobody: one 1-byte frame every 400 ms, the timestamp stepping
  // 20 frames; then audio.
  MixReception reception;
  std::uint16_t sequence = 0;
  for (std::uint32_t f = 0; f < 100; f += 20)
    reception.record(packet(sequence++, 960 * f, 1), kStart + f * 20 * kMs);
  for (std::uint32_t f = 100; f < 200; ++f)
    reception.record(packet(sequence++, 960 * f, 80), kStart + f * 20 * kMs);
  const MeasurementWindow window{kStart + 100 * 20 * kMs, kStart + 200 * 20 * kMs};
  const auto counts = reception.count(window, 60 * kMs);
  EXPECT_EQ(counts.expected, 100u);
  EXPECT_EQ(counts.received, 100u);
  EXPECT_EQ(counts.late, 0u);
}

TEST(MixReception, OnsetsAreAudioFramesAfterSilence) {
  MixReception reception;
  std::uint16_t sequence = 0;
  const auto at = [&](std::uint32_t frame, std::size_t bytes) {
    reception.record(packet(sequence++, 960 * frame, bytes), kStart + frame * 20 * kMs);
  };
  for (std::uint32_t f = 0; f < 10; ++f) at(f, 80);   // the stream's first frame: an onset
  at(30, 1);                                          // DTX…
  for (std::uint32_t f = 31; f < 40; ++f) at(f, 80);  // …then audio: an onset
  for (std::uint32_t f = 60; f < 70; ++f) at(f, 80);  // after a timestamp jump: an onset
  at(70, 80);                                         // the next frame: not one
  ASSERT_EQ(reception.onsets().size(), 3u);
  EXPECT_EQ(reception.onsets()[0], kStart);
  EXPECT_EQ(reception.onsets()[1], kStart + 31 * 20 * kMs);
  EXPECT_EQ(reception.onsets()[2], kStart + 60 * 20 * kMs);
}

}  // namespace
}  // namespace webvox::load
