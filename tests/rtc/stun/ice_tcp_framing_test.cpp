#include "rtc/stun/ice_tcp_framing.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "rfc5769_vectors.hpp"

namespace webvox::rtc::stun {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes framed(const Bytes& packet) { return frame_packet(packet).value(); }

IceTcpDeframer::Frames feed_ok(IceTcpDeframer& deframer, std::span<const std::uint8_t> chunk) {
  auto result = deframer.feed(chunk);
  if (!result) {
    ADD_FAILURE() << "framing error: " << to_string(result.error());
    return {};
  }
  return std::move(result).value();
}

TEST(IceTcpFraming, PrefixesTheLengthBigEndian) {
  EXPECT_EQ(framed(Bytes{0xaa, 0xbb, 0xcc}), (Bytes{0x00, 0x03, 0xaa, 0xbb, 0xcc}));
  const Bytes largest(65535, 7);
  const auto big = framed(largest);
  EXPECT_EQ(big[0], 0xff);
  EXPECT_EQ(big[1], 0xff);
  EXPECT_EQ(big.size(), 65537u);
}

TEST(IceTcpFraming, RefusesToFrameNothingOrTooMuch) {
  EXPECT_EQ(frame_packet({}).error(), FramingError::EmptyFrame);
  const Bytes too_big(65536, 0);
  EXPECT_EQ(frame_packet(too_big).error(), FramingError::FrameTooLong);
}

TEST(IceTcpDeframer, YieldsFramesFedWhole) {
  IceTcpDeframer deframer;
  Bytes stream = framed(rfc5769::kRequest);
  const auto second = framed(rfc5769::kIpv4Response);
  stream.insert(stream.end(), second.begin(), second.end());
  const auto frames = feed_ok(deframer, stream);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], rfc5769::kRequest);
  EXPECT_EQ(frames[1], rfc5769::kIpv4Response);
  EXPECT_EQ(deframer.buffered_bytes(), 0u);
}

TEST(IceTcpDeframer, YieldsEachFrameOnItsLastByteWhenFedByteByByte) {
  IceTcpDeframer deframer;
  Bytes stream = framed(rfc5769::kRequest);
  const auto second = framed(Bytes{0x80, 0x00});
  stream.insert(stream.end(), second.begin(), second.end());
  std::vector<std::size_t> completed_at;
  std::vector<Bytes> frames;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    for (auto& frame : feed_ok(deframer, std::span(stream).subspan(i, 1))) {
      completed_at.push_back(i);
      frames.push_back(std::move(frame));
    }
  }
  const std::size_t first_end = rfc5769::kRequest.size() + 1;
  EXPECT_EQ(completed_at, (std::vector<std::size_t>{first_end, stream.size() - 1}));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], rfc5769::kRequest);
  EXPECT_EQ(frames[1], (Bytes{0x80, 0x00}));
}

TEST(IceTcpDeframer, SplitsAcrossEveryChunkBoundary) {
  const auto stream = framed(rfc5769::kIpv6Response);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    IceTcpDeframer deframer;
    auto frames = feed_ok(deframer, std::span(stream).first(cut));
    const auto rest = feed_ok(deframer, std::span(stream).subspan(cut));
    frames.insert(frames.end(), rest.begin(), rest.end());
    ASSERT_EQ(frames.size(), 1u) << "cut " << cut;
    EXPECT_EQ(frames[0], rfc5769::kIpv6Response);
  }
}

TEST(IceTcpDeframer, AnEmptyFrameBreaksTheStreamForGood) {
  IceTcpDeframer deframer;
  const Bytes stream{0x00, 0x00, 0x00, 0x01, 0xaa};
  EXPECT_EQ(deframer.feed(stream).error(), FramingError::EmptyFrame);
  EXPECT_EQ(deframer.feed(framed(Bytes{1})).error(), FramingError::EmptyFrame);
}

TEST(IceTcpDeframer, RefusesAFrameOverTheLimitBeforeBufferingIt) {
  IceTcpDeframer deframer(100);
  EXPECT_TRUE(feed_ok(deframer, Bytes{0x00}).empty());
  EXPECT_EQ(deframer.feed(Bytes{101, 0, 0, 0}).error(), FramingError::FrameTooLong);
  EXPECT_EQ(deframer.buffered_bytes(), 0u);

  IceTcpDeframer at_limit(100);
  const auto frames = feed_ok(at_limit, framed(Bytes(100, 3)));
  EXPECT_EQ(frames.size(), 1u);
}

TEST(IceTcpDeframer, BuffersAtMostOneFrame) {
  IceTcpDeframer deframer;
  const auto stream = framed(Bytes(1000, 9));
  (void)feed_ok(deframer, std::span(stream).first(500));
  EXPECT_EQ(deframer.buffered_bytes(), 500u);
  EXPECT_EQ(feed_ok(deframer, std::span(stream).subspan(500)).size(), 1u);
  EXPECT_EQ(deframer.buffered_bytes(), 0u);
}

}  // namespace
}  // namespace webvox::rtc::stun
