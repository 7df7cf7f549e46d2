#include "rtc/sctp/data_channel_message.hpp"

namespace webvox::rtc {
namespace {

std::uint16_t read16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

void write16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

}  // namespace

std::optional<DataChannelOpen> parse_data_channel_open(std::span<const std::uint8_t> bytes) {
  constexpr std::size_t kFixed = 12;
  if (bytes.size() < kFixed || bytes[0] != kDcepOpen) return std::nullopt;
  const std::size_t label_length = read16(bytes, 8);
  const std::size_t protocol_length = read16(bytes, 10);
  if (bytes.size() != kFixed + label_length + protocol_length) return std::nullopt;
  DataChannelOpen open;
  open.channel_type = bytes[1];
  open.priority = read16(bytes, 2);
  open.reliability = static_cast<std::uint32_t>(read16(bytes, 4)) << 16 | read16(bytes, 6);
  const auto* text = reinterpret_cast<const char*>(bytes.data() + kFixed);
  open.label.assign(text, label_length);
  open.protocol.assign(text + label_length, protocol_length);
  return open;
}

std::vector<std::uint8_t> serialize(const DataChannelOpen& open) {
  std::vector<std::uint8_t> out{kDcepOpen, open.channel_type};
  write16(out, open.priority);
  write16(out, static_cast<std::uint16_t>(open.reliability >> 16));
  write16(out, static_cast<std::uint16_t>(open.reliability));
  write16(out, static_cast<std::uint16_t>(open.label.size()));
  write16(out, static_cast<std::uint16_t>(open.protocol.size()));
  out.insert(out.end(), open.label.begin(), open.label.end());
  out.insert(out.end(), open.protocol.begin(), open.protocol.end());
  return out;
}

}  // namespace webvox::rtc
