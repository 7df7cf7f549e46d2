#include "rtc/rtp/audio_level.hpp"

#include "rtc/rtp/header_extension.hpp"

namespace webvox::rtc::rtp {

std::optional<AudioLevel> parse_audio_level(std::span<const std::uint8_t> element_data) {
  if (element_data.empty()) return std::nullopt;
  const std::uint8_t byte = element_data[0];
  return AudioLevel{(byte & 0x80) != 0, static_cast<std::uint8_t>(byte & 0x7f)};
}

std::optional<AudioLevel> read_audio_level(const RtpPacketView& packet, std::uint8_t id) {
  const auto data = find_extension(packet, id);
  if (!data) return std::nullopt;
  return parse_audio_level(*data);
}

}  // namespace webvox::rtc::rtp
