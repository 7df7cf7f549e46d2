#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "rtc/rtp/rtp_packet.hpp"

// RFC 8285 header extension elements inside the RTP header extension block.
namespace webvox::rtc::rtp {

inline constexpr std::uint16_t kOneByteExtensionProfile = 0xBEDE;
// 0x100 followed by 4 "appbits" the application may use.
inline constexpr std::uint16_t kTwoByteExtensionProfileMask = 0xFFF0;
inline constexpr std::uint16_t kTwoByteExtensionProfile = 0x1000;

enum class ExtensionForm { OneByte, TwoByte };

enum class ExtensionError {
  UnknownProfile,
  ElementRunsPastEnd,
  IdDoesNotFitForm,
};

std::string_view to_string(ExtensionError error);

std::optional<ExtensionForm> extension_form(std::uint16_t profile);

struct ExtensionElement {
  std::uint8_t id = 0;
  std::span<const std::uint8_t> data;
  // Where the element (its header byte(s) included) starts within the extension data.
  std::size_t offset = 0;
};

// Walks the elements, skipping padding bytes. next() gives nothing at the end or on an error;
// error() then says which. Stops at a one-byte id 15, which RFC 8285 reserves for "stop here".
class HeaderExtensionReader {
 public:
  explicit HeaderExtensionReader(const RawHeaderExtension& extension);

  std::optional<ExtensionElement> next();
  std::optional<ExtensionError> error() const { return error_; }

 private:
  std::optional<ExtensionElement> next_one_byte();
  std::optional<ExtensionElement> next_two_byte();

  std::span<const std::uint8_t> data_;
  std::optional<ExtensionForm> form_;
  std::size_t offset_ = 0;
  bool done_ = false;
  std::optional<ExtensionError> error_;
};

// The data of the first element with this id; nothing if absent or the block is malformed
// before it.
std::optional<std::span<const std::uint8_t>> find_extension(const RtpPacketView& packet,
                                                            std::uint8_t id);

// Maps each incoming extension id to the id negotiated on the outgoing side; 0 means "the
// receiver did not negotiate it": such elements are blanked into padding bytes.
using ExtensionIdMap = std::array<std::uint8_t, 256>;

// Rewrites the ids of the packet's extension elements in place. Checks everything before
// writing: on an error the packet is unchanged. A packet without extensions is left alone.
std::optional<ExtensionError> remap_extension_ids(std::span<std::uint8_t> packet,
                                                  const ExtensionIdMap& map);

}  // namespace webvox::rtc::rtp
