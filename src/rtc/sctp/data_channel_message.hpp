#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace webvox::rtc {

// SCTP payload protocol identifiers of WebRTC data channels (RFC 8831 §8).
namespace ppid {
constexpr std::uint32_t kControl = 50;  // DCEP
constexpr std::uint32_t kString = 51;
constexpr std::uint32_t kBinary = 53;
constexpr std::uint32_t kStringEmpty = 56;
constexpr std::uint32_t kBinaryEmpty = 57;
}  // namespace ppid

// A DATA_CHANNEL_OPEN message of the Data Channel Establishment Protocol (RFC 8832 §5.1).
struct DataChannelOpen {
  std::uint8_t channel_type = 0;  // 0: reliable, ordered
  std::uint16_t priority = 0;
  std::uint32_t reliability = 0;
  std::string label;
  std::string protocol;
};

constexpr std::uint8_t kDcepAck = 0x02;
constexpr std::uint8_t kDcepOpen = 0x03;

// Parses a DCEP OPEN; none if the bytes are not a well-formed one.
std::optional<DataChannelOpen> parse_data_channel_open(std::span<const std::uint8_t> bytes);
std::vector<std::uint8_t> serialize(const DataChannelOpen& open);

}  // namespace webvox::rtc
