#include "http/websocket_frame_meter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using webvox::http::WebSocketFrameMeter;
using Verdict = WebSocketFrameMeter::Verdict;

namespace {

// A client frame (masked) with this opcode, FIN bit and payload length (payload bytes are
// arbitrary: the meter skips them by count).
std::vector<unsigned char> frame(unsigned opcode, bool fin, std::size_t length) {
  std::vector<unsigned char> bytes{static_cast<unsigned char>((fin ? 0x80 : 0) | opcode)};
  if (length < 126) {
    bytes.push_back(static_cast<unsigned char>(0x80 | length));
  } else if (length < 65536) {
    bytes.push_back(0x80 | 126);
    bytes.push_back(static_cast<unsigned char>(length >> 8));
    bytes.push_back(static_cast<unsigned char>(length));
  } else {
    bytes.push_back(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes.push_back(static_cast<unsigned char>(static_cast<std::uint64_t>(length) >> shift));
    }
  }
  for (int i = 0; i < 4; ++i) bytes.push_back(0x5a);                    // mask
  bytes.insert(bytes.end(), length, static_cast<unsigned char>(0x81));  // looks like a header
  return bytes;
}

std::vector<unsigned char> join(std::initializer_list<std::vector<unsigned char>> frames) {
  std::vector<unsigned char> all;
  for (const auto& f : frames) all.insert(all.end(), f.begin(), f.end());
  return all;
}

WebSocketFrameMeter::Limits generous() { return {64, 1e9, 1e9}; }

// `seconds` after an arbitrary start of the steady clock.
webvox::base::SteadyTime after(double seconds) {
  return webvox::base::SteadyTime{} + webvox::base::to_steady(webvox::base::Seconds(seconds));
}

}  // namespace

TEST(WebSocketFrameMeter, CountsFramesAndMessagesOfEveryLengthEncoding) {
  WebSocketFrameMeter meter(generous());
  const auto bytes = join({frame(0x1, true, 5), frame(0x1, false, 200), frame(0x0, true, 70000),
                           frame(0x9, true, 0), frame(0x1, true, 0)});
  EXPECT_EQ(meter.feed(bytes, after(0)), Verdict::kWithinLimits);
  EXPECT_EQ(meter.frames(), 5u);
  EXPECT_EQ(meter.control_frames(), 1u);
  EXPECT_EQ(meter.messages(), 3u);
}

TEST(WebSocketFrameMeter, SameCountsWhateverTheReadsSplitTheBytesInto) {
  const auto bytes = join({frame(0x1, false, 3), frame(0xA, true, 4), frame(0x0, false, 126),
                           frame(0x0, true, 65536), frame(0x2, true, 1)});
  for (const std::size_t step : {1u, 2u, 3u, 7u, 13u, 4096u}) {
    WebSocketFrameMeter meter(generous());
    for (std::size_t at = 0; at < bytes.size(); at += step) {
      const auto n = std::min(step, bytes.size() - at);
      ASSERT_EQ(meter.feed({bytes.data() + at, n}, after(0)), Verdict::kWithinLimits);
    }
    EXPECT_EQ(meter.frames(), 5u) << step;
    EXPECT_EQ(meter.control_frames(), 1u) << step;
    EXPECT_EQ(meter.messages(), 2u) << step;
  }
}

TEST(WebSocketFrameMeter, EmptyContinuationFramesThatNeverFinishAMessageAreCharged) {
  WebSocketFrameMeter meter({8, 1e9, 1e9});
  EXPECT_EQ(meter.feed(frame(0x1, false, 0), after(0)), Verdict::kWithinLimits);
  for (int i = 0; i < 7; ++i)
    EXPECT_EQ(meter.feed(frame(0x0, false, 0), after(0)), Verdict::kWithinLimits);
  EXPECT_EQ(meter.feed(frame(0x0, false, 0), after(0)), Verdict::kTooManyFramesInMessage);
  EXPECT_EQ(meter.messages(), 0u);
  // And stays broken.
  EXPECT_EQ(meter.feed(frame(0x1, true, 1), after(0)), Verdict::kTooManyFramesInMessage);
}

TEST(WebSocketFrameMeter, ControlFramesDoNotSplitAMessageButCountTowardsTheRate) {
  WebSocketFrameMeter meter({2, 1e9, 1e9});
  EXPECT_EQ(meter.feed(join({frame(0x1, false, 1), frame(0x9, true, 0), frame(0xA, true, 0),
                             frame(0x0, true, 1)}),
                       after(0)),
            Verdict::kWithinLimits);
  EXPECT_EQ(meter.messages(), 1u);
}

TEST(WebSocketFrameMeter, FrameRateIsATokenBucketOverEveryFrame) {
  WebSocketFrameMeter meter({64, 10, 20});  // 10 frames/s, bursts of 20
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(meter.feed(frame(0xA, true, 0), after(0)), Verdict::kWithinLimits);
  EXPECT_EQ(meter.feed(frame(0xA, true, 0), after(0.05)), Verdict::kFrameRate);

  WebSocketFrameMeter steady({64, 10, 20});
  for (int i = 0; i < 200; ++i) {  // 10 a second, for 20 s: never over
    ASSERT_EQ(steady.feed(frame(0x1, true, 3), after(i * 0.1)), Verdict::kWithinLimits) << i;
  }
}
