#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

// RTCP common header and compound packets (RFC 3550 §6.1, §6.4), and RTP/RTCP demultiplexing
// on one port (RFC 5761 §4).
namespace webvox::rtc::rtp {

namespace rtcp_type {
inline constexpr std::uint8_t kSenderReport = 200;
inline constexpr std::uint8_t kReceiverReport = 201;
inline constexpr std::uint8_t kSourceDescription = 202;
inline constexpr std::uint8_t kBye = 203;
inline constexpr std::uint8_t kApplication = 204;
inline constexpr std::uint8_t kTransportFeedback = 205;  // RTPFB, RFC 4585
inline constexpr std::uint8_t kPayloadFeedback = 206;    // PSFB, RFC 4585
inline constexpr std::uint8_t kExtendedReport = 207;     // XR, RFC 3611
}  // namespace rtcp_type

enum class RtcpError {
  TooShortForHeader,
  UnsupportedVersion,
  LengthPastEnd,
  PaddingCountZero,
  PaddingLongerThanBody,
  WrongPacketType,
  BodyTooShort,
  SdesItemPastEnd,
  ByeReasonPastEnd,
  BadFeedbackLength,
};

std::string_view to_string(RtcpError error);

inline constexpr std::size_t kRtcpHeaderSize = 4;

// True if a muxed packet is RTCP: the second byte of RTCP is its packet type 192-223, where RTP
// would have marker + payload type 64-95, which RFC 5761 keeps free.
bool is_rtcp(std::span<const std::uint8_t> packet);

// One sub-packet of a compound packet. Non-owning.
struct RtcpPacketView {
  bool padding = false;
  // Reception report count, source count or feedback message type, by packet type.
  std::uint8_t count = 0;
  std::uint8_t packet_type = 0;
  // After the 4-byte common header, padding removed.
  std::span<const std::uint8_t> body;
  // The whole sub-packet as on the wire.
  std::span<const std::uint8_t> bytes;
};

// Walks a compound packet. next() gives nothing at the end or at the first malformed
// sub-packet (error() then says why); each call advances by at least 4 bytes, so the walk
// always ends.
class RtcpCompoundReader {
 public:
  explicit RtcpCompoundReader(std::span<const std::uint8_t> compound) : compound_(compound) {}

  std::optional<RtcpPacketView> next();
  std::optional<RtcpError> error() const { return error_; }

 private:
  std::optional<RtcpPacketView> fail(RtcpError error);

  std::span<const std::uint8_t> compound_;
  std::size_t offset_ = 0;
  std::optional<RtcpError> error_;
};

// Writes the common header; `size` is the whole sub-packet's size, a multiple of 4.
void write_rtcp_header(std::span<std::uint8_t> out, std::uint8_t count, std::uint8_t packet_type,
                       std::size_t size);

}  // namespace webvox::rtc::rtp
