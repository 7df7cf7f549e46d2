#include "rtc/rtp/audio_level.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "sample_packets.hpp"

namespace webvox::rtc::rtp {
namespace {

TEST(AudioLevel, ReadsChromeAudioLevelById) {
  const auto parsed = parse_rtp_packet(samples::kChromeOpus);
  ASSERT_TRUE(parsed.has_value());
  const auto level = read_audio_level(*parsed, samples::kAudioLevelId);
  ASSERT_TRUE(level.has_value());
  EXPECT_TRUE(level->voice_activity);
  EXPECT_EQ(level->level_minus_dbov, 40);
  EXPECT_FALSE(read_audio_level(*parsed, 9).has_value());
}

TEST(AudioLevel, DecodesVadBitAndLevelBits) {
  const std::vector<std::uint8_t> silent = {0x7f};
  EXPECT_EQ(parse_audio_level(silent), (AudioLevel{false, 127}));
  const std::vector<std::uint8_t> loudest_padded = {0x80, 0x00, 0x00};
  EXPECT_EQ(parse_audio_level(loudest_padded), (AudioLevel{true, 0}));
  EXPECT_FALSE(parse_audio_level({}).has_value());
}

}  // namespace
}  // namespace webvox::rtc::rtp
