#include "rtc/sctp/data_channel_message.hpp"

#include "base/big_endian.hpp"

namespace webvox::rtc {

std::optional<DataChannelOpen> parse_data_channel_open(std::span<const std::uint8_t> bytes) {
  constexpr std::size_t kFixed = 12;
  if (bytes.size() < kFixed || bytes[0] != kDcepOpen) return std::nullopt;
  const std::size_t label_length = base::big_endian::read_u16(bytes, 8);
  const std::size_t protocol_length = base::big_endian::read_u16(bytes, 10);
  if (bytes.size() != kFixed + label_length + protocol_length) return std::nullopt;
  DataChannelOpen open;
  open.channel_type = bytes[1];
  open.priority = base::big_endian::read_u16(bytes, 2);
  open.reliability = base::big_endian::read_u32(bytes, 4);
  const auto* text = reinterpret_cast<const char*>(bytes.data() + kFixed);
  open.label.assign(text, label_length);
  open.protocol.assign(text + label_length, protocol_length);
  return open;
}

std::vector<std::uint8_t> serialize(const DataChannelOpen& open) {
  std::vector<std::uint8_t> out{kDcepOpen, open.channel_type};
  base::big_endian::append_u16(out, open.priority);
  base::big_endian::append_u32(out, open.reliability);
  base::big_endian::append_u16(out, static_cast<std::uint16_t>(open.label.size()));
  base::big_endian::append_u16(out, static_cast<std::uint16_t>(open.protocol.size()));
  out.insert(out.end(), open.label.begin(), open.label.end());
  out.insert(out.end(), open.protocol.begin(), open.protocol.end());
  return out;
}

}  // namespace webvox::rtc
