// RFC 6544 §3 framing (from RFC 4571): on an ICE-TCP connection every STUN, DTLS and RTP
// packet is preceded by its length as 16 bits big-endian.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/expected.hpp"

namespace webvox::rtc::stun {

enum class FramingError {
  EmptyFrame,    // length 0: no packet is empty, the stream is out of step
  FrameTooLong,  // over the limit: garbage or an attempt to make us buffer
};

std::string_view to_string(FramingError error);

// Browsers keep packets under the path MTU (DTLS fragments its handshake to fit), so a few
// KiB is generous; a frame can never exceed 65535 bytes.
inline constexpr std::size_t kDefaultMaxFrameBytes = 4096;

// Turns a byte stream into packets. Feed it reads as they come, split anywhere; it holds at
// most one incomplete frame. After an error the stream is unusable: close the connection.
class IceTcpDeframer {
 public:
  using Frames = std::vector<std::vector<std::uint8_t>>;

  explicit IceTcpDeframer(std::size_t max_frame_bytes = kDefaultMaxFrameBytes);

  // The frames this chunk completed, in order, or the error that ended the stream (frames
  // completed before the bad length are lost with it).
  base::Expected<Frames, FramingError> feed(std::span<const std::uint8_t> chunk);

  std::size_t buffered_bytes() const { return pending_.size(); }

 private:
  std::size_t max_frame_bytes_;
  std::vector<std::uint8_t> pending_;  // a partial length prefix or a partial frame
  std::optional<FramingError> failed_;
};

// One packet with its length prefix, or FrameTooLong over 65535 bytes (EmptyFrame for none).
base::Expected<std::vector<std::uint8_t>, FramingError> frame_packet(
    std::span<const std::uint8_t> packet);

}  // namespace webvox::rtc::stun
