#include "rtc/rtp/rtp_header_writer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "rtc/rtp/audio_level.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "sample_packets.hpp"

namespace webvox::rtc::rtp {
namespace {

constexpr RtpHeaderFields kFields{111, true, 0xFFFE, 0x89ABCDEF, 0x01020304};

TEST(RtpHeaderWriter, FixedHeaderAsRfc3550LaysItOut) {
  std::array<std::uint8_t, 12> out{};
  ASSERT_EQ(write_rtp_header(out, kFields), 12u);
  const std::array<std::uint8_t, 12> expected{0x80, 0x80 | 111, 0xFF, 0xFE, 0x89, 0xAB,
                                              0xCD, 0xEF,       0x01, 0x02, 0x03, 0x04};
  EXPECT_EQ(out, expected);
}

TEST(RtpHeaderWriter, ReadsBackThroughTheParser) {
  std::vector<std::uint8_t> packet(64, 0x55);
  const auto header = write_rtp_header(packet, kFields, AudioLevelElement{3, {true, 42}});
  ASSERT_EQ(header, kRtpFixedHeaderSize + kAudioLevelBlockSize);
  const auto parsed = parse_rtp_packet(packet);
  ASSERT_TRUE(parsed) << to_string(parsed.error());
  EXPECT_TRUE(parsed->marker);
  EXPECT_EQ(parsed->payload_type, 111);
  EXPECT_EQ(parsed->sequence_number, 0xFFFE);
  EXPECT_EQ(parsed->timestamp, 0x89ABCDEFu);
  EXPECT_EQ(parsed->ssrc, 0x01020304u);
  EXPECT_EQ(parsed->header_size, header);
  EXPECT_EQ(parsed->payload.size(), packet.size() - header);
  EXPECT_EQ(read_audio_level(*parsed, 3), (AudioLevel{true, 42}));
  EXPECT_FALSE(read_audio_level(*parsed, 1).has_value());
}

TEST(RtpHeaderWriter, WritesChromesAudioLevelElementByteForByte) {
  // The sample's first element is id 1, voice, -40 dBov: the same bytes as its block's start.
  std::array<std::uint8_t, 20> out{};
  const RtpHeaderFields fields{111, false, 0x1a2b, 123456, 0x5a3c1f09};
  ASSERT_EQ(write_rtp_header(out, fields, AudioLevelElement{1, {true, 40}}), 20u);
  EXPECT_EQ(out[0], 0x90);
  for (std::size_t i = 1; i < 14; ++i) EXPECT_EQ(out[i], samples::kChromeOpus[i]) << i;
  EXPECT_EQ(out[14], 0x00);  // one word of elements, where Chrome has three
  EXPECT_EQ(out[15], 0x01);
  EXPECT_EQ(out[16], samples::kChromeOpus[16]);
  EXPECT_EQ(out[17], samples::kChromeOpus[17]);
}

TEST(RtpHeaderWriter, PayloadTypeKeepsSevenBitsAndMarkerItsOwn) {
  std::array<std::uint8_t, 12> out{};
  ASSERT_EQ(write_rtp_header(out, {0xFF, false, 0, 0, 0}), 12u);
  EXPECT_EQ(out[1], 0x7F);
}

TEST(RtpHeaderWriter, RefusesAShortBufferAndABadExtensionId) {
  std::array<std::uint8_t, 19> out{};
  EXPECT_EQ(write_rtp_header(std::span(out).first(11), kFields), 0u);
  EXPECT_EQ(write_rtp_header(out, kFields, AudioLevelElement{1, {}}), 0u);
  std::array<std::uint8_t, 20> room{};
  EXPECT_EQ(write_rtp_header(room, kFields, AudioLevelElement{0, {}}), 0u);
  EXPECT_EQ(write_rtp_header(room, kFields, AudioLevelElement{15, {}}), 0u);
  EXPECT_EQ(write_rtp_header(room, kFields, AudioLevelElement{14, {}}), 20u);
}

}  // namespace
}  // namespace webvox::rtc::rtp
