#include "rtc/rtp/rtp_packet.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "rtc/rtp/rtp_rewrite.hpp"
#include "sample_packets.hpp"

namespace webvox::rtc::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes chrome_opus() { return Bytes(samples::kChromeOpus.begin(), samples::kChromeOpus.end()); }

TEST(RtpPacket, ParsesChromeOpusPacket) {
  const auto parsed = parse_rtp_packet(samples::kChromeOpus);
  ASSERT_TRUE(parsed.has_value()) << to_string(parsed.error());
  const RtpPacketView& p = parsed.value();
  EXPECT_FALSE(p.padding);
  EXPECT_FALSE(p.marker);
  EXPECT_EQ(p.csrc_count, 0);
  EXPECT_EQ(p.payload_type, 111);
  EXPECT_EQ(p.sequence_number, 0x1a2b);
  EXPECT_EQ(p.timestamp, 123456u);
  EXPECT_EQ(p.ssrc, 0x5a3c1f09u);
  ASSERT_TRUE(p.header_extension.has_value());
  EXPECT_EQ(p.header_extension->profile, 0xBEDE);
  EXPECT_EQ(p.header_extension->data.size(), 12u);
  EXPECT_EQ(p.header_size, samples::kChromeOpusHeaderSize);
  ASSERT_EQ(p.payload.size(), 8u);
  EXPECT_EQ(p.payload[0], 0x78);
  EXPECT_EQ(p.payload.data(), samples::kChromeOpus.data() + 28);
}

TEST(RtpPacket, ParsesCsrcsMarkerAndPadding) {
  const Bytes packet = {0xa2, 0xe0, 0x00, 0x01, 0,    0,    0,    2,
                        0,    0,    0,    3,                             // P=1 CC=2 M=1 PT 96
                        0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22,  // CSRCs
                        0xaa, 0xbb, 0x00, 0x00, 0x03};                   // payload + 3 padding
  const auto parsed = parse_rtp_packet(packet);
  ASSERT_TRUE(parsed.has_value()) << to_string(parsed.error());
  EXPECT_TRUE(parsed->marker);
  EXPECT_TRUE(parsed->padding);
  EXPECT_EQ(parsed->payload_type, 96);
  ASSERT_EQ(parsed->csrc_count, 2);
  EXPECT_EQ(parsed->csrc(0), 0x11111111u);
  EXPECT_EQ(parsed->csrc(1), 0x22222222u);
  EXPECT_FALSE(parsed->header_extension.has_value());
  EXPECT_EQ(parsed->padding_size, 3u);
  EXPECT_EQ(parsed->payload.size(), 2u);
  EXPECT_EQ(parsed->payload[1], 0xbb);
}

TEST(RtpPacket, RejectsEveryTruncationOfTheHeader) {
  for (std::size_t size = 0; size < samples::kChromeOpusHeaderSize; ++size) {
    const auto parsed = parse_rtp_packet(std::span(samples::kChromeOpus).first(size));
    EXPECT_FALSE(parsed.has_value()) << "prefix of " << size << " bytes";
  }
  // Cut inside the payload the header still parses; the payload ends at the cut.
  for (std::size_t size = samples::kChromeOpusHeaderSize; size <= 36; ++size) {
    const auto parsed = parse_rtp_packet(std::span(samples::kChromeOpus).first(size));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->payload.size(), size - samples::kChromeOpusHeaderSize);
  }
}

TEST(RtpPacket, NamesEachMalformation) {
  EXPECT_EQ(parse_rtp_packet(Bytes(11, 0x80)).error(), RtpError::TooShortForFixedHeader);
  Bytes packet = chrome_opus();
  packet[0] = 0x50;
  EXPECT_EQ(parse_rtp_packet(packet).error(), RtpError::UnsupportedVersion);
  packet = Bytes{0x8f, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};  // 15 CSRCs, 1 present
  EXPECT_EQ(parse_rtp_packet(packet).error(), RtpError::TooShortForCsrcs);
  packet = chrome_opus();
  EXPECT_EQ(parse_rtp_packet(std::span(packet).first(14)).error(),
            RtpError::TooShortForExtensionHeader);
  packet[15] = 0x09;  // 9 words of extension, 5 present
  EXPECT_EQ(parse_rtp_packet(packet).error(), RtpError::TooShortForExtensionData);
  packet = chrome_opus();
  packet[0] |= 0x20;
  packet.back() = 0;
  EXPECT_EQ(parse_rtp_packet(packet).error(), RtpError::PaddingCountZero);
  packet.back() = 9;  // payload is 8 bytes
  EXPECT_EQ(parse_rtp_packet(packet).error(), RtpError::PaddingLongerThanPayload);
  packet.back() = 8;  // all of it padding: allowed
  EXPECT_TRUE(parse_rtp_packet(packet).has_value());
  EXPECT_TRUE(parse_rtp_packet(packet)->payload.empty());
  // Padding flag on a packet that ends with its header: nothing to hold the count.
  packet = chrome_opus();
  packet.resize(samples::kChromeOpusHeaderSize);
  packet[0] |= 0x20;
  EXPECT_EQ(parse_rtp_packet(packet).error(), RtpError::PaddingLongerThanPayload);
}

TEST(RtpRewrite, RewritesHeaderFieldsInPlaceAndKeepsTheRest) {
  Bytes packet = chrome_opus();
  packet[1] |= 0x80;  // marker set: payload type rewrite must keep it
  ASSERT_TRUE(set_ssrc(packet, 0xdeadbeef));
  ASSERT_TRUE(set_sequence_number(packet, 0xfffe));
  ASSERT_TRUE(set_timestamp(packet, 0xfffffff0));
  ASSERT_TRUE(set_payload_type(packet, 109));
  const auto parsed = parse_rtp_packet(packet);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->ssrc, 0xdeadbeefu);
  EXPECT_EQ(parsed->sequence_number, 0xfffe);
  EXPECT_EQ(parsed->timestamp, 0xfffffff0u);
  EXPECT_EQ(parsed->payload_type, 109);
  EXPECT_TRUE(parsed->marker);
  EXPECT_TRUE(Bytes(packet.begin() + 12, packet.end()) ==
              Bytes(samples::kChromeOpus.begin() + 12, samples::kChromeOpus.end()));
  ASSERT_TRUE(set_marker(packet, false));
  EXPECT_FALSE(parse_rtp_packet(packet)->marker);
  EXPECT_EQ(parse_rtp_packet(packet)->payload_type, 109);
}

TEST(RtpRewrite, RefusesShortSpansAndBadPayloadTypes) {
  Bytes short_packet(11, 0x80);
  const Bytes before = short_packet;
  EXPECT_FALSE(set_ssrc(short_packet, 1));
  EXPECT_FALSE(set_sequence_number(short_packet, 1));
  EXPECT_FALSE(set_timestamp(short_packet, 1));
  EXPECT_FALSE(set_payload_type(short_packet, 1));
  EXPECT_FALSE(set_marker(short_packet, true));
  EXPECT_EQ(short_packet, before);
  Bytes packet = chrome_opus();
  EXPECT_FALSE(set_payload_type(packet, 128));
  EXPECT_EQ(packet[1], 0x6f);
}

}  // namespace
}  // namespace webvox::rtc::rtp
