#include "rtc/rtp/header_extension.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "sample_packets.hpp"

namespace webvox::rtc::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<ExtensionElement> elements_of(std::span<const std::uint8_t> packet,
                                          std::optional<ExtensionError>* error = nullptr) {
  const auto parsed = parse_rtp_packet(packet);
  EXPECT_TRUE(parsed.has_value());
  std::vector<ExtensionElement> elements;
  HeaderExtensionReader reader(*parsed->header_extension);
  while (const auto element = reader.next()) elements.push_back(*element);
  if (error) *error = reader.error();
  return elements;
}

TEST(HeaderExtension, IteratesChromeOneByteElementsSkippingPadding) {
  std::optional<ExtensionError> error;
  const auto elements = elements_of(samples::kChromeOpus, &error);
  EXPECT_FALSE(error.has_value());
  ASSERT_EQ(elements.size(), 3u);
  EXPECT_EQ(elements[0].id, 1);
  EXPECT_EQ(elements[0].data.size(), 1u);
  EXPECT_EQ(elements[1].id, 2);
  EXPECT_EQ(elements[1].data.size(), 3u);
  EXPECT_EQ(elements[1].data[2], 0x56);
  EXPECT_EQ(elements[2].id, 3);
  EXPECT_EQ(elements[2].data.size(), 2u);
  EXPECT_EQ(elements[2].data[1], 0x05);
}

TEST(HeaderExtension, FindsById) {
  const auto parsed = parse_rtp_packet(samples::kChromeOpus);
  const auto abs_send_time = find_extension(*parsed, samples::kAbsSendTimeId);
  ASSERT_TRUE(abs_send_time.has_value());
  EXPECT_EQ(Bytes(abs_send_time->begin(), abs_send_time->end()), (Bytes{0x12, 0x34, 0x56}));
  EXPECT_FALSE(find_extension(*parsed, 4).has_value());
  EXPECT_FALSE(find_extension(*parsed, 0).has_value());
}

TEST(HeaderExtension, ReadsTwoByteFormWithEmptyAndLongElements) {
  const Bytes packet = {
      0x90, 0x6f, 0,    1,   0,    0,    0,    1,
      0,    0,    0,    1,   0x10, 0x00, 0x00, 0x03,  // two-byte form, appbits 0, 3 words
      0x05, 0x00,                                     // id 5, empty
      0x00,                                           // padding
      0x20, 0x04, 0xa,  0xb, 0xc,  0xd,               // id 32, 4 bytes
      0x01, 0x01, 0x7f,                               // id 1, 1 byte
      0xee};                                          // payload
  std::optional<ExtensionError> error;
  const auto elements = elements_of(packet, &error);
  EXPECT_FALSE(error.has_value());
  ASSERT_EQ(elements.size(), 3u);
  EXPECT_EQ(elements[0].id, 5);
  EXPECT_TRUE(elements[0].data.empty());
  EXPECT_EQ(elements[1].id, 32);
  EXPECT_EQ(elements[1].data.size(), 4u);
  EXPECT_EQ(elements[2].id, 1);
  EXPECT_EQ(elements[2].data[0], 0x7f);
}

TEST(HeaderExtension, OneByteIdZeroIsASinglePaddingByteWhateverItsLength) {
  Bytes packet(samples::kChromeOpus.begin(), samples::kChromeOpus.end());
  packet[25] = 0x01;  // id 0, "2 bytes": still one byte of padding
  packet[26] = 0x40;  // id 4, 1 byte
  packet[27] = 0x99;
  std::optional<ExtensionError> error;
  const auto elements = elements_of(packet, &error);
  EXPECT_FALSE(error.has_value());
  ASSERT_EQ(elements.size(), 4u);
  EXPECT_EQ(elements[3].id, 4);
  EXPECT_EQ(elements[3].data[0], 0x99);
}

TEST(HeaderExtension, StopsAtReservedIdFifteen) {
  Bytes packet(samples::kChromeOpus.begin(), samples::kChromeOpus.end());
  packet[18] = 0xf2;  // abs-send-time's header byte becomes id 15
  std::optional<ExtensionError> error;
  const auto elements = elements_of(packet, &error);
  EXPECT_FALSE(error.has_value());
  ASSERT_EQ(elements.size(), 1u);
  EXPECT_EQ(elements[0].id, 1);
}

TEST(HeaderExtension, ReportsElementsRunningPastTheBlock) {
  Bytes packet(samples::kChromeOpus.begin(), samples::kChromeOpus.end());
  packet[25] = 0x4f;  // the padding becomes "id 4, 16 bytes", past the block's end
  std::optional<ExtensionError> error;
  const auto elements = elements_of(packet, &error);
  EXPECT_EQ(elements.size(), 3u);
  EXPECT_EQ(error, ExtensionError::ElementRunsPastEnd);
}

TEST(HeaderExtension, UnknownProfileHasNoElements) {
  Bytes packet(samples::kChromeOpus.begin(), samples::kChromeOpus.end());
  packet[12] = 0x12;
  std::optional<ExtensionError> error;
  EXPECT_TRUE(elements_of(packet, &error).empty());
  EXPECT_EQ(error, ExtensionError::UnknownProfile);
}

TEST(HeaderExtension, RemapsIdsAndBlanksUnmappedElements) {
  Bytes packet(samples::kChromeOpus.begin(), samples::kChromeOpus.end());
  ExtensionIdMap map{};
  map[samples::kAudioLevelId] = 7;
  map[samples::kTransportCcId] = 14;  // abs-send-time stays 0: not negotiated outgoing
  EXPECT_FALSE(remap_extension_ids(packet, map).has_value());
  const auto elements = elements_of(packet);
  ASSERT_EQ(elements.size(), 2u);
  EXPECT_EQ(elements[0].id, 7);
  EXPECT_EQ(elements[0].data[0], 0xa8);
  EXPECT_EQ(elements[1].id, 14);
  EXPECT_EQ(elements[1].data[1], 0x05);
  // Payload untouched.
  EXPECT_EQ(parse_rtp_packet(packet)->payload[0], 0x78);
}

TEST(HeaderExtension, RemapLeavesPacketUnchangedWhenAnIdDoesNotFit) {
  Bytes packet(samples::kChromeOpus.begin(), samples::kChromeOpus.end());
  ExtensionIdMap map{};
  map[1] = 2;
  map[2] = 15;  // one-byte form cannot carry 15
  EXPECT_EQ(remap_extension_ids(packet, map), ExtensionError::IdDoesNotFitForm);
  EXPECT_TRUE(std::equal(packet.begin(), packet.end(), samples::kChromeOpus.begin()));
}

}  // namespace
}  // namespace webvox::rtc::rtp
